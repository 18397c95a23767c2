import { RunctlError, backoffDelay, sleep } from '@runctl/core';

/** Backoff settings shared by connecting and by resumable transfers. */
export interface ReconnectPolicy {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
}

/** Errors after which the same work can go on over a new connection. */
export function isConnectionFailure(error: unknown): boolean {
  return RunctlError.isInstance(error) && error.retryable && (error.code === 'PROVIDER' || error.code === 'TIMEOUT');
}

/** Waits before retry number `attempt` (1-based): exponential, with jitter. */
export function backoff(policy: ReconnectPolicy, attempt: number, signal?: AbortSignal): Promise<void> {
  return sleep(backoffDelay(attempt, { maxRetries: policy.retries, initialDelayMs: policy.minDelayMs, maxDelayMs: policy.maxDelayMs }), signal);
}
