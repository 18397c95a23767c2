import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  createResourceOptionsSchema,
  durationSchema,
  hoursSchema,
  parseInput,
  registerSecret,
  safeStringSchema,
  type Duration,
} from '@runctl/core';

/** How unknown and changed host keys are treated. */
export type HostKeyPolicy = 'strict' | 'accept-new';

/** Settings of {@link createSshTransport}. */
export interface SshTransportOptions {
  host: string;
  /** Default 22. */
  port?: number;
  username: string;
  /**
   * The private key: its OpenSSH/PEM text, or the path of a key file (`~/` allowed).
   * A path is read when the first connection is made, not before.
   */
  privateKey?: string;
  /** Passphrase of an encrypted `privateKey`. */
  passphrase?: string;
  /** Authenticate with ssh-agent: `true` for `$SSH_AUTH_SOCK` (read at connect time), or the agent's socket path. */
  agent?: boolean | string;
  /** OpenSSH known_hosts file checked (and, with `accept-new`, appended to). Default `~/.ssh/known_hosts`. */
  knownHosts?: string;
  /**
   * `strict` (default): the host's key must already be in `knownHosts`.
   * `accept-new`: an unknown host's key is pinned into `knownHosts` on first
   * connect; a changed key is refused, exactly as with `strict`.
   */
  hostKeyPolicy?: HostKeyPolicy;
  /** Limit on TCP connect + handshake + authentication (default 15 s). */
  connectTimeout?: Duration;
  /** Keepalive period; three missed answers drop the connection (default 15 s, 0 disables). */
  keepaliveInterval?: Duration;
  /** Connection attempts after a refused or lost connection, with exponential backoff and jitter. */
  reconnect?: { retries?: number; minDelay?: Duration; maxDelay?: Duration };
  /**
   * A fixed argv put in front of every command, e.g. a provider's preamble
   * that restores a container's environment and then runs `"$@"`:
   * `['bash', '-c', '<fixed script>; exec "$@"', 'runctl']`. The command's
   * own argv follows as separate, quoted arguments, so user data never
   * becomes part of the preamble's code.
   */
  envPrefix?: readonly string[];
  /** Session channels this transport opens at once on its connection (default 8; OpenSSH allows 10). */
  maxChannels?: number;
  /** SFTP channels used side by side for large transfers (default 4). */
  sftpChannels?: number;
  /**
   * Which downloads are checked end to end with SHA-256 computed on the
   * machine: `resumed` (default) only those that went on from a partial
   * copy; `always` every one (costs a hash of the file on both ends). All
   * downloads check that the file kept its size and mtime throughout.
   */
  verifyDownloads?: 'resumed' | 'always';
  /** Provider name put on errors (e.g. `runpod`). */
  provider?: string;
}

/** {@link SshTransportOptions} after validation, with defaults filled in. */
export interface ResolvedSshTransportOptions {
  host: string;
  port: number;
  username: string;
  privateKey: string | undefined;
  passphrase: string | undefined;
  agent: boolean | string | undefined;
  knownHosts: string;
  hostKeyPolicy: HostKeyPolicy;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  reconnect: { retries: number; minDelayMs: number; maxDelayMs: number };
  envPrefix: readonly string[];
  maxChannels: number;
  sftpChannels: number;
  verifyDownloads: 'resumed' | 'always';
  provider: string | undefined;
}

// zod is reached through @runctl/core's schemas (it is not a direct dependency of this package).
const objectSchema = createResourceOptionsSchema.pick({});
const booleanSchema = createResourceOptionsSchema.shape.spot.unwrap();
const countSchema = (min: number, max: number) => hoursSchema.int().min(min).max(max);
const textSchema = safeStringSchema.min(1, 'must not be empty');

const optionsSchema = objectSchema
  .extend({
    host: textSchema.regex(/^[^\s@/]+$/, 'must be a host name or IP address'),
    port: countSchema(1, 65_535).optional(),
    username: textSchema.regex(/^[^\s@:/]+$/, 'must be a user name'),
    privateKey: textSchema.optional(),
    passphrase: safeStringSchema.optional(),
    agent: booleanSchema.or(textSchema).optional(),
    knownHosts: textSchema.optional(),
    hostKeyPolicy: safeStringSchema.refine((value): value is HostKeyPolicy => value === 'strict' || value === 'accept-new', "must be 'strict' or 'accept-new'").optional(),
    connectTimeout: durationSchema.optional(),
    keepaliveInterval: durationSchema.optional(),
    reconnect: objectSchema
      .extend({ retries: countSchema(0, 100).optional(), minDelay: durationSchema.optional(), maxDelay: durationSchema.optional() })
      .strict()
      .optional(),
    envPrefix: safeStringSchema.array().optional(),
    maxChannels: countSchema(2, 64).optional(),
    sftpChannels: countSchema(1, 16).optional(),
    verifyDownloads: safeStringSchema.refine((value): value is 'resumed' | 'always' => value === 'resumed' || value === 'always', "must be 'resumed' or 'always'").optional(),
    provider: textSchema.optional(),
  })
  .strict()
  .superRefine((options, context) => {
    if (options.privateKey === undefined && (options.agent === undefined || options.agent === false)) {
      context.addIssue({ code: 'custom', path: ['privateKey'], message: 'give privateKey or agent' });
    }
  });

/** Validates {@link SshTransportOptions} (errors name the field) and fills in defaults. */
export function resolveSshTransportOptions(options: SshTransportOptions): ResolvedSshTransportOptions {
  const parsed = parseInput(optionsSchema, options, 'options', typeof options?.provider === 'string' ? options.provider : undefined);
  registerSecret(parsed.passphrase);
  if (parsed.privateKey?.includes('PRIVATE KEY') === true) registerSecret(parsed.privateKey);
  const maxChannels = parsed.maxChannels ?? 8;
  return {
    host: parsed.host,
    port: parsed.port ?? 22,
    username: parsed.username,
    privateKey: parsed.privateKey,
    passphrase: parsed.passphrase,
    agent: parsed.agent,
    knownHosts: expandHome(parsed.knownHosts ?? '~/.ssh/known_hosts'),
    hostKeyPolicy: parsed.hostKeyPolicy ?? 'strict',
    connectTimeoutMs: parsed.connectTimeout ?? 15_000,
    keepaliveIntervalMs: parsed.keepaliveInterval ?? 15_000,
    reconnect: {
      retries: parsed.reconnect?.retries ?? 5,
      minDelayMs: parsed.reconnect?.minDelay ?? 250,
      maxDelayMs: parsed.reconnect?.maxDelay ?? 5_000,
    },
    envPrefix: parsed.envPrefix ?? [],
    maxChannels,
    // At least one channel stays free for commands.
    sftpChannels: Math.max(1, Math.min(parsed.sftpChannels ?? 4, maxChannels - 1)),
    verifyDownloads: parsed.verifyDownloads ?? 'resumed',
    provider: parsed.provider,
  };
}

/** `~/x` → `<home>/x`; anything else unchanged. */
export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}
