import { RunctlError } from '../errors/runctl-error.ts';
import { sleep, throwIfAborted } from './abort.ts';

/** How a call is retried. */
export interface RetryPolicy {
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** First backoff in ms (default 500); doubles each time, with full jitter. */
  initialDelayMs?: number;
  /** Cap on one backoff, and on a provider's Retry-After (default 30 000). */
  maxDelayMs?: number;
}

/** The resolved form of {@link RetryPolicy}. */
export type ResolvedRetryPolicy = Required<RetryPolicy>;

export const DEFAULT_RETRY_POLICY: ResolvedRetryPolicy = { maxRetries: 3, initialDelayMs: 500, maxDelayMs: 30_000 };

/** Backoff before retry number `attempt` (1-based): full jitter over an exponential window. */
export function backoffDelay(attempt: number, policy: ResolvedRetryPolicy, random: () => number = Math.random): number {
  const window = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(window / 2 + (random() * window) / 2);
}

/**
 * Runs `operation`, retrying when it throws a retryable {@link RunctlError}.
 * A provider's `retryAfterMs` wins over the computed backoff. Aborts are never retried.
 * Only use it for calls that are safe to repeat (reads, or writes with an idempotency key).
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: { policy?: RetryPolicy | undefined; signal?: AbortSignal | undefined; onRetry?: (error: RunctlError, delayMs: number) => void } = {},
): Promise<T> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(options.signal);
    try {
      return await operation(attempt);
    } catch (error) {
      const retryable = RunctlError.isInstance(error) && error.retryable && error.code !== 'ABORTED';
      if (!retryable || attempt >= policy.maxRetries) throw error;
      const delay = Math.min(policy.maxDelayMs, error.retryAfterMs ?? backoffDelay(attempt + 1, policy));
      options.onRetry?.(error, delay);
      await sleep(delay, options.signal);
    }
  }
}
