import { expandHome } from '../../expand-home.ts';
import {
  durationSchema,
  hoursSchema,
  oneOfSchema,
  parseInput,
  registerSecret,
  safeStringSchema,
  textSchema,
  z,
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

// Unlike core's integerSchema, a fraction here gets zod's own "expected int" message.
const countSchema = (min: number, max: number) => hoursSchema.check(z.int(), z.minimum(min), z.maximum(max));

const optionsSchema = z
  .strictObject({
    host: textSchema.check(z.regex(/^[^\s@/]+$/, 'must be a host name or IP address')),
    port: z.optional(countSchema(1, 65_535)),
    username: textSchema.check(z.regex(/^[^\s@:/]+$/, 'must be a user name')),
    privateKey: z.optional(textSchema),
    passphrase: z.optional(safeStringSchema),
    agent: z.optional(z.union([z.boolean(), textSchema])),
    knownHosts: z.optional(textSchema),
    hostKeyPolicy: z.optional(oneOfSchema<HostKeyPolicy>(['strict', 'accept-new'], "must be 'strict' or 'accept-new'")),
    connectTimeout: z.optional(durationSchema),
    keepaliveInterval: z.optional(durationSchema),
    reconnect: z.optional(z.strictObject({ retries: z.optional(countSchema(0, 100)), minDelay: z.optional(durationSchema), maxDelay: z.optional(durationSchema) })),
    envPrefix: z.optional(z.array(safeStringSchema)),
    maxChannels: z.optional(countSchema(2, 64)),
    sftpChannels: z.optional(countSchema(1, 16)),
    verifyDownloads: z.optional(oneOfSchema<'resumed' | 'always'>(['resumed', 'always'], "must be 'resumed' or 'always'")),
    provider: z.optional(textSchema),
  })
  .check(
    z.superRefine((options, context) => {
      if (options.privateKey === undefined && (options.agent === undefined || options.agent === false)) {
        context.addIssue({ code: 'custom', path: ['privateKey'], message: 'give privateKey or agent' });
      }
    }),
  );

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

