import { connect as connectTcp, type Socket } from 'node:net';
import { RunctlError, abortError, throwIfAborted } from '@runctl/core';
import type { ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';
import { prepareHostKeyCheck } from './host-key-check.ts';
import { backoff } from './reconnect-policy.ts';
import { loadPrivateKey } from './private-key.ts';
import { connectError, type SshErrorContext } from './ssh-errors.ts';
import { SshSession } from './ssh-session.ts';
import type { ResolvedSshTransportOptions } from './ssh-transport-options.ts';
import { loadSsh2 } from './load-ssh2.ts';

/**
 * Owns the one SSH connection of a transport: connects lazily, shares a
 * connection attempt between concurrent callers, and after a drop connects
 * again on next use, retrying refused or reset attempts with exponential
 * backoff and jitter. Authentication and host key failures are never retried.
 *
 * While no call is in flight the connection stays open but does not keep
 * the process alive, so a script that is done simply exits.
 */
export class SshConnection {
  readonly #options: ResolvedSshTransportOptions;
  readonly #context: SshErrorContext;
  #session: SshSession | undefined;
  #connecting: Promise<SshSession> | undefined;
  #privateKey: Promise<Buffer> | undefined;
  /** Bumped by close(), so a connection that completes afterwards is discarded. */
  #epoch = 0;
  /** Calls in flight; the socket holds the process open only while there are some. */
  #busy = 0;

  constructor(options: ResolvedSshTransportOptions, context: SshErrorContext) {
    this.#options = options;
    this.#context = context;
  }

  /** The live connection, connecting first if there is none. */
  async session(signal?: AbortSignal): Promise<SshSession> {
    throwIfAborted(signal, this.#context.provider);
    const current = this.#session;
    if (current !== undefined && !current.closed) return current;
    this.#connecting ??= this.#connectWithRetry().finally(() => {
      this.#connecting = undefined;
    });
    return raceAbort(this.#connecting, signal, this.#context.provider);
  }

  /** Runs `work` as a call in flight (see {@link SshConnection}). */
  async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.#busy++ === 0) this.#session?.socket.ref();
    try {
      return await work();
    } finally {
      if (--this.#busy === 0) this.#session?.socket.unref();
    }
  }

  /** Ends the connection; the next call connects again. */
  async close(): Promise<void> {
    this.#epoch++;
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined || session.closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        session.client.destroy();
        resolve();
      }, 2_000);
      session.client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      session.client.end();
    });
    session.markClosed();
  }

  async #connectWithRetry(): Promise<SshSession> {
    const policy = this.#options.reconnect;
    const epoch = this.#epoch;
    for (let attempt = 0; ; attempt++) {
      try {
        const session = await this.#connectOnce();
        if (epoch !== this.#epoch) {
          session.client.end();
          throw new RunctlError({ code: 'ABORTED', provider: this.#context.provider, message: `The transport to ${this.#context.where} was closed while connecting.` });
        }
        this.#session = session;
        if (this.#busy === 0) session.socket.unref();
        return session;
      } catch (error) {
        const failure = connectError(error, this.#context, this.#options.connectTimeoutMs);
        // A timeout already took connectTimeout; unreachable hosts fail within it, not N times it.
        if (!failure.retryable || failure.code === 'TIMEOUT' || attempt >= policy.retries || epoch !== this.#epoch) throw failure;
        await backoff(policy, attempt + 1);
      }
    }
  }

  async #connectOnce(): Promise<SshSession> {
    const options = this.#options;
    const context = this.#context;
    const privateKey = options.privateKey === undefined ? undefined : await this.#loadKey(options.privateKey);
    const agent = agentSocket(options.agent);
    if (privateKey === undefined && agent === undefined) {
      throw new RunctlError({ code: 'AUTH', provider: context.provider, message: `No key to log in to ${context.where}: SSH_AUTH_SOCK is not set, so ssh-agent cannot be used.`, hint: 'Start ssh-agent or pass privateKey.' });
    }
    const check = await prepareHostKeyCheck({ host: options.host, port: options.port, knownHosts: options.knownHosts, policy: options.hostKeyPolicy }, context);
    const preferred = check.preferredAlgorithms as ServerHostKeyAlgorithm[];
    const config: ConnectConfig & { sock?: Socket } = {
      host: options.host,
      port: options.port,
      username: options.username,
      readyTimeout: options.connectTimeoutMs,
      // Our own keepalive (see keepalive.ts): ssh2's timer would keep the process alive.
      keepaliveInterval: 0,
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => check.verify(key, verify),
      ...(privateKey === undefined ? {} : { privateKey }),
      ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
      ...(agent === undefined ? {} : { agent }),
      ...(preferred.length > 0 ? { algorithms: { serverHostKey: { remove: preferred, prepend: preferred, append: [] } } } : {}),
    };
    // Our own socket, so an idle connection can let the process exit (unref).
    const socket = connectTcp({ host: options.host, port: options.port });
    config.sock = socket;
    const client = new (await loadSsh2()).Client();
    const session = new SshSession(client, socket, context, options);
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error === undefined) {
          resolve();
          return;
        }
        client.destroy();
        // The host key check explains itself better than ssh2's "Host denied".
        reject(check.rejection ?? error);
      };
      // readyTimeout covers the handshake; this also bounds DNS and the TCP connect.
      const timer = setTimeout(() => settle(Object.assign(new Error('Timed out while waiting for handshake'), { level: 'client-timeout' })), options.connectTimeoutMs);
      client.once('ready', () => {
        // Small SFTP requests must not wait for ACKs (Nagle): without this a 1 MiB read takes ~40 ms on loopback.
        client.setNoDelay(true);
        settle();
      });
      client.on('error', (error) => settle(error));
      client.once('close', () => settle(new Error('Connection lost before handshake')));
      try {
        client.connect(config);
      } catch (error) {
        settle(error);
      }
    });
    return session;
  }

  #loadKey(value: string): Promise<Buffer> {
    this.#privateKey ??= loadPrivateKey(value, this.#options.passphrase, this.#context.provider).catch((error: unknown) => {
      this.#privateKey = undefined;
      throw error;
    });
    return this.#privateKey;
  }
}

/** The agent socket to use, read from the environment at connect time. */
function agentSocket(agent: boolean | string | undefined): string | undefined {
  if (typeof agent === 'string') return agent;
  if (agent === true) return process.env.SSH_AUTH_SOCK || undefined;
  return undefined;
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, provider: string | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal, provider));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
