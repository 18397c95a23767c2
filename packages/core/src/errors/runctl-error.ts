import { redactSecrets } from './secret-registry.ts';

/** Machine-readable category of a {@link RunctlError}. */
export type RunctlErrorCode =
  | 'NOT_FOUND'
  | 'AUTH'
  | 'QUOTA'
  | 'CAPACITY'
  | 'RATE_LIMITED'
  | 'INVALID_INPUT'
  | 'INVALID_STATE'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'UNSUPPORTED'
  | 'PROVIDER';

/** Everything needed to build a {@link RunctlError}. */
export interface RunctlErrorOptions {
  message: string;
  code: RunctlErrorCode;
  /** Name of the provider that raised it, such as `runpod`. */
  provider?: string | undefined;
  /** Whether the same call may succeed if retried. Defaults by code. */
  retryable?: boolean | undefined;
  /** A short next step for the user, printed by the CLI under the message. */
  hint?: string | undefined;
  /** HTTP status of the failed call, when there was one. */
  statusCode?: number | undefined;
  /** How long the provider asked us to wait before retrying. */
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

const BRAND = Symbol.for('runctl.error');
const RETRYABLE_BY_DEFAULT: ReadonlySet<RunctlErrorCode> = new Set(['RATE_LIMITED', 'TIMEOUT']);

/**
 * The root of every error runctl throws. Use {@link RunctlError.isInstance}
 * rather than `instanceof`, so checks still work when two copies of
 * `@runctl/core` are installed.
 *
 * Messages, hints and causes are scrubbed of every registered secret
 * (see {@link registerSecret}) when the error is built.
 *
 * @example
 * ```ts
 * try { await provider.getResourceStatus(id); }
 * catch (error) {
 *   if (RunctlError.isInstance(error) && error.code === 'NOT_FOUND') console.log('gone');
 *   else throw error;
 * }
 * ```
 */
export class RunctlError extends Error {
  readonly [BRAND] = true;
  readonly code: RunctlErrorCode;
  readonly provider: string | undefined;
  readonly retryable: boolean;
  readonly hint: string | undefined;
  readonly statusCode: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(options: RunctlErrorOptions) {
    super(redactSecrets(options.message), { cause: sanitizeCause(options.cause) });
    this.name = 'RunctlError';
    this.code = options.code;
    this.provider = options.provider;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(options.code);
    this.hint = options.hint === undefined ? undefined : redactSecrets(options.hint);
    this.statusCode = options.statusCode;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** True for any runctl error, from any installed copy of this package. */
  static isInstance(error: unknown): error is RunctlError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
  }

  /** True when `error` is a runctl error with the given code. */
  static hasCode(error: unknown, code: RunctlErrorCode): error is RunctlError {
    return RunctlError.isInstance(error) && error.code === code;
  }
}

/** Causes are kept for debugging, but never with a secret inside. */
function sanitizeCause(cause: unknown): unknown {
  if (!(cause instanceof Error)) {
    return typeof cause === 'string' ? redactSecrets(cause) : cause;
  }
  const message = redactSecrets(cause.message);
  const stack = cause.stack === undefined ? undefined : redactSecrets(cause.stack);
  if (message === cause.message && stack === cause.stack) return cause;
  const copy = new Error(message);
  copy.name = cause.name;
  if (stack !== undefined) copy.stack = stack;
  return copy;
}
