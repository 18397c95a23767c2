import { RunctlError } from '@runctl/core';

/** Who is talking to whom, for error messages. */
export interface SshErrorContext {
  /** `ssh user@host:port`. */
  where: string;
  provider: string | undefined;
}

// SFTP status codes (draft-ietf-secsh-filexfer-02 §7).
const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;
const SFTP_NO_CONNECTION = 6;
const SFTP_CONNECTION_LOST = 7;
const SFTP_OP_UNSUPPORTED = 8;

const CONNECTION_LOST = /no response from server|not connected|channel is not open|connection lost|keepalive timeout|socket|econnreset|epipe|write after end|timed out while waiting for handshake|disconnect/i;
const SOCKET_TIMEOUT = new Set(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
const SOCKET_RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'EAI_AGAIN']);

/** The error for a connection that broke: retryable, so callers reconnect and resume. */
export function connectionLost(context: SshErrorContext, cause?: unknown): RunctlError {
  return new RunctlError({
    code: 'PROVIDER',
    retryable: true,
    provider: context.provider,
    message: `The SSH connection to ${context.where} was lost${detail(cause)}.`,
    cause,
  });
}

/** Maps an error from connecting (socket, handshake, auth) to a {@link RunctlError}. */
export function connectError(error: unknown, context: SshErrorContext, timeoutMs: number): RunctlError {
  if (RunctlError.isInstance(error)) return error;
  const { code, level, message } = describe(error);
  const { provider, where } = context;
  if (level === 'client-timeout' || (code !== undefined && SOCKET_TIMEOUT.has(code))) {
    return new RunctlError({ code: 'TIMEOUT', retryable: true, provider, message: `Could not reach ${where} within ${timeoutMs}ms (${code ?? message}).`, cause: error });
  }
  if (level === 'client-authentication') {
    return new RunctlError({
      code: 'AUTH',
      provider,
      message: `${where} refused every authentication method offered (${message}).`,
      hint: 'Check the user name and that the public key is in the host’s authorized_keys (or loaded in ssh-agent).',
      cause: error,
    });
  }
  if (level === 'agent') {
    return new RunctlError({ code: 'AUTH', provider, message: `ssh-agent failed while authenticating to ${where}: ${message}.`, cause: error });
  }
  if (level === 'client-dns' || code === 'ENOTFOUND') {
    return new RunctlError({ code: 'PROVIDER', retryable: code === 'EAI_AGAIN', provider, message: `Could not resolve the host of ${where} (${code ?? message}).`, cause: error });
  }
  const retryable = (code !== undefined && SOCKET_RETRYABLE.has(code)) || level === 'client-socket' || CONNECTION_LOST.test(message);
  return new RunctlError({ code: 'PROVIDER', retryable, provider, message: `Could not connect to ${where}: ${code ?? message}.`, cause: error });
}

/**
 * Maps an error of an operation on an open connection; `what` is the action,
 * such as `read /x`. `dead` says whether the connection has closed: then any
 * failure is a lost connection.
 */
export function operationError(error: unknown, context: SshErrorContext, what: string, dead: boolean): RunctlError {
  if (RunctlError.isInstance(error)) return error;
  const { code, message } = describe(error);
  const status = typeof (error as { code?: unknown })?.code === 'number' ? ((error as { code: number }).code) : undefined;
  if (dead || status === SFTP_NO_CONNECTION || status === SFTP_CONNECTION_LOST || (status === undefined && CONNECTION_LOST.test(message)) || (code !== undefined && SOCKET_RETRYABLE.has(code))) {
    return connectionLost(context, error);
  }
  const { provider, where } = context;
  if (status === SFTP_NO_SUCH_FILE) return new RunctlError({ code: 'NOT_FOUND', provider, message: `Cannot ${what} on ${where}: no such file or folder.`, cause: error });
  if (status === SFTP_PERMISSION_DENIED) return new RunctlError({ code: 'PROVIDER', provider, message: `Cannot ${what} on ${where}: permission denied.`, cause: error });
  if (status === SFTP_OP_UNSUPPORTED) return new RunctlError({ code: 'UNSUPPORTED', provider, message: `Cannot ${what} on ${where}: the SFTP server does not support it.`, cause: error });
  return new RunctlError({ code: 'PROVIDER', provider, message: `Cannot ${what} on ${where}: ${message}.`, cause: error });
}

/** sshd refused to open a channel, as it does past its MaxSessions. */
export function isChannelLimit(error: unknown): boolean {
  return error instanceof Error && /channel open failure/i.test(error.message) && !/unexpectedly/i.test(error.message);
}

/** True for SFTP "no such file" errors. */
export function isNoSuchFile(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === SFTP_NO_SUCH_FILE || RunctlError.hasCode(error, 'NOT_FOUND');
}

function describe(error: unknown): { code: string | undefined; level: string | undefined; message: string } {
  const record = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; level?: unknown; message?: unknown };
  return {
    code: typeof record.code === 'string' ? record.code : undefined,
    level: typeof record.level === 'string' ? record.level : undefined,
    message: typeof record.message === 'string' ? record.message : String(error),
  };
}

function detail(cause: unknown): string {
  if (cause === undefined) return '';
  const { code, message } = describe(cause);
  return ` (${code ?? message})`;
}
