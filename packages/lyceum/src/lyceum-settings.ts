import { expandHome } from '@runctl/agent';
import {
  DEFAULT_RETRY_POLICY,
  InvalidInputError,
  durationSchema,
  hoursSchema,
  parseInput,
  positiveSchema,
  textSchema,
  z,
  type Duration,
  type ResolvedRetryPolicy,
  type RetryPolicy,
} from '@runctl/core';

/** The documented base URL of Lyceum's external API. */
export const DEFAULT_LYCEUM_BASE_URL = 'https://api.lyceum.technology/api/v2/external';

/** The SSH login of Lyceum VMs (the vendor docs say `root`, which the real image refuses). */
export const DEFAULT_LYCEUM_SSH_USER = 'lyceum';

/**
 * Settings of {@link createLyceum}. Everything is optional; nothing is read
 * (not even `LYCEUM_API_KEY`) until the first call that needs it.
 */
export interface LyceumProviderSettings {
  /** API key (`lk_…`). Default: the `LYCEUM_API_KEY` environment variable, read on first use. */
  apiKey?: string;
  /** API base URL (default `https://api.lyceum.technology/api/v2/external`). */
  baseURL?: string;
  /** Organization to act in, sent as `X-Org-Slug`. Default: the key's own organization. */
  orgSlug?: string;
  /** Extra headers sent with every request. */
  headers?: Readonly<Record<string, string>>;
  /** A `fetch` to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: typeof globalThis.fetch;
  /** Registry name (default `lyceum`). */
  name?: string;
  /** Time limit of one HTTP request, until its response starts (default `'30s'`). */
  timeout?: Duration;
  /**
   * Retries of calls that are safe to repeat: reads, deletes, aborts. VM
   * creation and run submission are never repeated blindly (see the docs).
   * Default: 3 retries, 500 ms doubling to at most 30 s, honouring `Retry-After`.
   */
  retry?: RetryPolicy;
  /**
   * Client-side pacing, shared by every provider instance on the same account
   * (API key and base URL) in this process. Lyceum documents no quota, so the
   * default is a conservative 5 requests/s sustained with bursts of 10. 429s
   * pause it for their `Retry-After` on top, and halve the rate for a while.
   */
  rateLimit?: { requestsPerSecond?: number; burst?: number };
  /** SSH login on VMs (default `lyceum`). */
  sshUser?: string;
  /**
   * Private key for VMs: OpenSSH/PEM text, or the path of a key file (`~/` allowed).
   * Default: an ed25519 key generated once in `sshKeyDir`.
   */
  sshPrivateKey?: string;
  /** The public key line of `sshPrivateKey`, when it cannot be read from `<path>.pub` or the key itself. */
  sshPublicKey?: string;
  /** Folder of the generated key (default `~/.runctl/keys`). */
  sshKeyDir?: string;
  /** Folder of the per-VM known_hosts files runctl manages (default `~/.runctl/known_hosts/lyceum`). */
  knownHostsDir?: string;
  /** How long to wait for a VM to be ready, have an IP and answer SSH (default `'15m'`). */
  readyTimeout?: Duration;
  /** Status polling interval while waiting for VMs and runs (default `'5s'`). */
  pollInterval?: Duration;
  /** Absolute workspace path on VMs (default `$HOME/runctl` of the SSH user). */
  remoteWorkspace?: string;
  /** Time a VM job gets between SIGTERM and SIGKILL on cancel or maxRuntime (default `'10s'`). */
  killGrace?: Duration;
  /** How long prices from `GET /machine-types` are reused (default `'1h'`). */
  priceCacheTtl?: Duration;
  /** Run-mode timeout for jobs without `maxRuntime` (default and maximum `'600s'`). */
  runTimeout?: Duration;
  /** A run's event stream silent this long counts as dropped, and monitoring falls back to polling (default `'60s'`). */
  streamIdleTimeout?: Duration;
}

/** {@link LyceumProviderSettings} after validation, with defaults filled in. */
export interface ResolvedLyceumSettings {
  name: string;
  apiKey: string | undefined;
  baseURL: string;
  orgSlug: string | undefined;
  headers: Readonly<Record<string, string>>;
  fetch: typeof globalThis.fetch | undefined;
  timeoutMs: number;
  retry: ResolvedRetryPolicy;
  rateLimit: { requestsPerSecond: number; burst: number };
  sshUser: string;
  sshPrivateKey: string | undefined;
  sshPublicKey: string | undefined;
  sshKeyDir: string;
  knownHostsDir: string;
  readyTimeoutMs: number;
  pollIntervalMs: number;
  remoteWorkspace: string | undefined;
  killGraceMs: number | undefined;
  priceCacheTtlMs: number;
  runTimeoutMs: number;
  streamIdleTimeoutMs: number;
}

/** Lyceum documents no rate limit: a conservative guess, overridable with `settings.rateLimit`. */
export const DEFAULT_LYCEUM_RATE_LIMIT = { requestsPerSecond: 5, burst: 10 } as const;

/** Lyceum caps every run's `timeout` at 600 s. */
export const MAX_RUN_TIMEOUT_MS = 600_000;

// Unlike core's integerSchema, a fraction here gets zod's own "expected int" message.
const countSchema = (min: number, max: number) => hoursSchema.check(z.int(), z.minimum(min), z.maximum(max));

const settingsSchema = z.strictObject({
  apiKey: z.optional(textSchema),
  baseURL: z.optional(textSchema.check(z.refine(isHttpUrl, 'must be an http(s) URL'))),
  orgSlug: z.optional(textSchema.check(z.regex(/^[A-Za-z0-9._-]+$/, 'must be an organization slug'))),
  headers: z.optional(z.record(z.string(), z.string())),
  name: z.optional(textSchema.check(z.regex(/^[a-z][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes'))),
  timeout: z.optional(durationSchema),
  retry: z.optional(
    z.strictObject({ maxRetries: z.optional(countSchema(0, 20)), initialDelayMs: z.optional(countSchema(0, 600_000)), maxDelayMs: z.optional(countSchema(0, 3_600_000)) }),
  ),
  rateLimit: z.optional(z.strictObject({ requestsPerSecond: z.optional(positiveSchema), burst: z.optional(countSchema(1, 10_000)) })),
  sshUser: z.optional(textSchema.check(z.regex(/^[A-Za-z0-9._-]+$/, 'must be a user name'))),
  sshPrivateKey: z.optional(textSchema),
  sshPublicKey: z.optional(textSchema.check(z.regex(/^(ssh-|ecdsa-|sk-)\S+ \S+/, 'must be an OpenSSH public key line'))),
  sshKeyDir: z.optional(textSchema),
  knownHostsDir: z.optional(textSchema),
  readyTimeout: z.optional(durationSchema),
  pollInterval: z.optional(durationSchema),
  remoteWorkspace: z.optional(textSchema.check(z.regex(/^\/[^\n]*$/, 'must be an absolute path'))),
  killGrace: z.optional(durationSchema),
  priceCacheTtl: z.optional(durationSchema),
  runTimeout: z.optional(durationSchema.check(z.refine((ms) => ms >= 1_000 && ms <= MAX_RUN_TIMEOUT_MS, 'must be between 1s and 600s (Lyceum runs stop at 600 s)'))),
  streamIdleTimeout: z.optional(durationSchema),
});

/**
 * Validates settings (errors name the field, e.g. `settings.timeout`) and
 * fills in defaults. Reads no environment variable and no file.
 */
export function resolveLyceumSettings(settings: LyceumProviderSettings): ResolvedLyceumSettings {
  const { fetch, ...rest } = settings;
  const provider = settings.name ?? 'lyceum';
  if (fetch !== undefined && typeof fetch !== 'function') {
    throw new InvalidInputError({ field: 'settings.fetch', provider, message: 'Invalid settings.fetch: must be a fetch function.' });
  }
  const parsed = parseInput(settingsSchema, rest, 'settings', provider);
  return {
    name: parsed.name ?? 'lyceum',
    apiKey: parsed.apiKey,
    baseURL: (parsed.baseURL ?? DEFAULT_LYCEUM_BASE_URL).replace(/\/+$/, ''),
    orgSlug: parsed.orgSlug,
    headers: parsed.headers ?? {},
    fetch,
    timeoutMs: parsed.timeout ?? 30_000,
    retry: {
      maxRetries: parsed.retry?.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
      initialDelayMs: parsed.retry?.initialDelayMs ?? DEFAULT_RETRY_POLICY.initialDelayMs,
      maxDelayMs: parsed.retry?.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    },
    rateLimit: {
      requestsPerSecond: parsed.rateLimit?.requestsPerSecond ?? DEFAULT_LYCEUM_RATE_LIMIT.requestsPerSecond,
      burst: parsed.rateLimit?.burst ?? DEFAULT_LYCEUM_RATE_LIMIT.burst,
    },
    sshUser: parsed.sshUser ?? DEFAULT_LYCEUM_SSH_USER,
    sshPrivateKey: parsed.sshPrivateKey,
    sshPublicKey: parsed.sshPublicKey,
    sshKeyDir: expandHome(parsed.sshKeyDir ?? '~/.runctl/keys'),
    knownHostsDir: expandHome(parsed.knownHostsDir ?? '~/.runctl/known_hosts/lyceum'),
    readyTimeoutMs: parsed.readyTimeout ?? 15 * 60_000,
    pollIntervalMs: parsed.pollInterval ?? 5_000,
    remoteWorkspace: parsed.remoteWorkspace?.replace(/\/+$/, '') || undefined,
    killGraceMs: parsed.killGrace,
    priceCacheTtlMs: parsed.priceCacheTtl ?? 3_600_000,
    runTimeoutMs: parsed.runTimeout ?? MAX_RUN_TIMEOUT_MS,
    streamIdleTimeoutMs: parsed.streamIdleTimeout ?? 60_000,
  };
}


function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
