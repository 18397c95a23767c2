import { expandHome } from '@runctl/agent';
import {
  DEFAULT_RETRY_POLICY,
  InvalidInputError,
  durationSchema,
  integerSchema,
  parseInput,
  positiveSchema,
  registerSecret,
  textSchema,
  z,
  type Duration,
  type ResolvedRetryPolicy,
  type RetryPolicy,
} from '@runctl/core';

/** Our SSH identity for pods, when you do not want runctl to generate one. */
export interface RunpodSshKeySettings {
  /** The private key: its OpenSSH/PEM text, or the path of the key file (`~/` allowed). */
  privateKey: string;
  /** The matching public key line. Default: `<path>.pub`, else derived from an OpenSSH private key. */
  publicKey?: string;
  /** Passphrase of an encrypted private key. */
  passphrase?: string;
}

/** Settings of {@link createRunpod}. Every field is optional. */
export interface RunpodProviderSettings {
  /**
   * RunPod API key. Default: the `RUNPOD_API_KEY` environment variable, read
   * on each request (never at import or creation). It is registered as a
   * secret, so no runctl error or log ever shows it.
   */
  apiKey?: string;
  /** REST v2 base URL (default `https://api.runpod.io/v2`). */
  baseURL?: string;
  /** GraphQL endpoint, used only to create spot pods (default: `/graphql` on the origin of `baseURL`). */
  graphqlURL?: string;
  /** Extra headers sent with every request. */
  headers?: Readonly<Record<string, string>>;
  /** A fetch implementation, for tests or instrumentation (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
  /** Limit on one HTTP attempt, until the response headers arrive (default `'30s'`). */
  timeout?: Duration;
  /** Retries of idempotent calls (reads, deletes, ssh-key updates); creates are never blindly retried. */
  retry?: RetryPolicy;
  /**
   * Client-side pacing, shared by every provider instance on the same account
   * in this process (default 1 request/s sustained, bursts of 10: RunPod's
   * documented default quota is 60 a minute). 429s and spent `RateLimit`
   * windows pause it on top.
   */
  rateLimit?: { requestsPerSecond?: number; burst?: number };
  /** How long `train`/`monitor`/`download` wait for a pod to be RUNNING with `ssh.direct` (default `'10m'`). */
  readyTimeout?: Duration;
  /** Longest pause between status polls while waiting (default `'5s'`). */
  pollInterval?: Duration;
  /** How long catalog prices are cached (default `'1h'`). */
  priceTtl?: Duration;
  /** Our SSH key. Default: an ed25519 key generated once in `keyDir`. */
  sshKey?: RunpodSshKeySettings;
  /** Folder of the generated key (default `~/.runctl/keys`). */
  keyDir?: string;
  /** Folder of the per-pod known_hosts files runctl manages (default `~/.runctl/known_hosts/runpod`). */
  knownHostsDir?: string;
  /** Workspace folder on the pod where jobs run (default `/workspace/runctl`), or one per pod id. */
  workspace?: string | ((podId: string) => string);
  /** SIGTERM → SIGKILL grace when a job is cancelled or hits maxRuntime (default `'10s'`). */
  killGrace?: Duration;
  /** Registry name of the provider (default `'runpod'`). */
  name?: string;
  /** Test hooks; not part of the stable API. */
  _internal?: {
    /** NUL-separated environment file restored before every command (default `/proc/1/environ`). */
    containerEnvFile?: string;
    /** SSH connect timeout per attempt (default `'15s'`). */
    sshConnectTimeout?: Duration;
  };
}

/** {@link RunpodProviderSettings} after validation, with defaults filled in. */
export interface ResolvedRunpodSettings {
  name: string;
  baseURL: string;
  graphqlURL: string;
  headers: Readonly<Record<string, string>>;
  fetch: typeof globalThis.fetch | undefined;
  timeoutMs: number;
  retry: ResolvedRetryPolicy;
  rateLimit: { requestsPerSecond: number; burst: number };
  readyTimeoutMs: number;
  pollIntervalMs: number;
  priceTtlMs: number;
  sshKey: RunpodSshKeySettings | undefined;
  keyDir: string;
  knownHostsDir: string;
  workspaceFor: (podId: string) => string;
  killGraceMs: number | undefined;
  containerEnvFile: string;
  sshConnectTimeoutMs: number;
  /** The explicit key, if one was given (the env is read at request time). */
  apiKey: string | undefined;
}

export const DEFAULT_BASE_URL = 'https://api.runpod.io/v2';
export const DEFAULT_WORKSPACE = '/workspace/runctl';

const urlSchema = textSchema.check(z.refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an http(s) URL'));
const absolutePathSchema = textSchema.check(z.regex(/^\//, 'must be an absolute path'));
const sshKeySchema = z.strictObject({ privateKey: textSchema, publicKey: z.optional(textSchema), passphrase: z.optional(textSchema) });

const settingsSchema = z.strictObject({
  apiKey: z.optional(textSchema),
  baseURL: z.optional(urlSchema),
  graphqlURL: z.optional(urlSchema),
  headers: z.optional(z.catchall(z.object({}), textSchema)),
  timeout: z.optional(durationSchema),
  retry: z.optional(
    z.strictObject({ maxRetries: z.optional(integerSchema(0, 20)), initialDelayMs: z.optional(integerSchema(0, 600_000)), maxDelayMs: z.optional(integerSchema(0, 3_600_000)) }),
  ),
  rateLimit: z.optional(z.strictObject({ requestsPerSecond: z.optional(positiveSchema), burst: z.optional(integerSchema(1, 10_000)) })),
  readyTimeout: z.optional(durationSchema),
  pollInterval: z.optional(durationSchema),
  priceTtl: z.optional(durationSchema),
  sshKey: z.optional(sshKeySchema),
  keyDir: z.optional(textSchema),
  knownHostsDir: z.optional(textSchema),
  workspace: z.optional(absolutePathSchema),
  killGrace: z.optional(durationSchema),
  name: z.optional(textSchema.check(z.regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes'))),
  _internal: z.optional(z.strictObject({ containerEnvFile: z.optional(absolutePathSchema), sshConnectTimeout: z.optional(durationSchema) })),
});

/**
 * Validates settings (errors name the field, e.g. `settings.timeout`) and
 * fills in defaults. Reads no environment variable and touches no file.
 */
export function resolveRunpodSettings(settings: RunpodProviderSettings): ResolvedRunpodSettings {
  const { fetch, workspace, ...rest } = settings;
  const name = settings.name ?? 'runpod';
  if (fetch !== undefined && typeof fetch !== 'function') {
    throw new InvalidInputError({ field: 'settings.fetch', provider: name, message: 'Invalid settings.fetch: must be a fetch function.' });
  }
  const parsed = parseInput(settingsSchema, { ...rest, ...(typeof workspace === 'string' ? { workspace } : {}) }, 'settings', name);
  if (workspace !== undefined && typeof workspace !== 'string' && typeof workspace !== 'function') {
    throw new InvalidInputError({ field: 'settings.workspace', provider: name, message: 'Invalid settings.workspace: must be an absolute path or a function of the pod id.' });
  }
  registerSecret(parsed.apiKey);
  registerSecret(parsed.sshKey?.passphrase);
  const baseURL = (parsed.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  return {
    name,
    baseURL,
    graphqlURL: parsed.graphqlURL ?? new URL('/graphql', baseURL).toString(),
    headers: parsed.headers ?? {},
    fetch,
    timeoutMs: parsed.timeout ?? 30_000,
    retry: {
      maxRetries: parsed.retry?.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
      initialDelayMs: parsed.retry?.initialDelayMs ?? DEFAULT_RETRY_POLICY.initialDelayMs,
      maxDelayMs: parsed.retry?.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    },
    rateLimit: { requestsPerSecond: parsed.rateLimit?.requestsPerSecond ?? 1, burst: parsed.rateLimit?.burst ?? 10 },
    readyTimeoutMs: parsed.readyTimeout ?? 600_000,
    pollIntervalMs: Math.max(10, parsed.pollInterval ?? 5_000),
    priceTtlMs: parsed.priceTtl ?? 3_600_000,
    sshKey: parsed.sshKey as RunpodSshKeySettings | undefined,
    keyDir: expandHome(parsed.keyDir ?? '~/.runctl/keys'),
    knownHostsDir: expandHome(parsed.knownHostsDir ?? '~/.runctl/known_hosts/runpod'),
    workspaceFor: typeof workspace === 'function' ? workspace : () => parsed.workspace ?? DEFAULT_WORKSPACE,
    killGraceMs: parsed.killGrace,
    containerEnvFile: parsed._internal?.containerEnvFile ?? '/proc/1/environ',
    sshConnectTimeoutMs: parsed._internal?.sshConnectTimeout ?? 15_000,
    apiKey: parsed.apiKey,
  };
}

