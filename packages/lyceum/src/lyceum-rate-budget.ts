import { createHash } from 'node:crypto';
import { parseRateLimit, parseRetryAfter, rateBudgetFor, type RateBudget, type RequestPriority } from '@runctl/core';

/** Client-side pacing of one account's calls, as resolved from `settings.rateLimit`. */
export interface LyceumRateLimit {
  requestsPerSecond: number;
  burst: number;
}

/** Terminate (DELETE) first, creates and starts (POST) next, status polling (GET) last. */
export const METHOD_PRIORITY: Readonly<Record<'GET' | 'POST' | 'DELETE', RequestPriority>> = { DELETE: 'high', POST: 'normal', GET: 'low' };

/**
 * The process-wide budget of one Lyceum account: every provider instance
 * with the same API key and base URL shares it. `limit` applies when the
 * budget is first made (by the first instance to call).
 */
export function lyceumRateBudget(baseURL: string, apiKey: string, limit: LyceumRateLimit): RateBudget {
  return rateBudgetFor(lyceumBudgetKey(baseURL, apiKey), { ratePerSecond: limit.requestsPerSecond, burst: limit.burst });
}

/** `lyceum:<hash>`: a hash of the base URL and key, so the key itself is never held outside the request. */
export function lyceumBudgetKey(baseURL: string, apiKey: string): string {
  return `lyceum:${createHash('sha256').update(`${baseURL}\n${apiKey}`).digest('hex').slice(0, 24)}`;
}

/**
 * What the budget should learn from a response, with pauses capped at the
 * retry cap (`maxDelayMs`): a 429 pauses for its `Retry-After` (else a
 * spent `RateLimit` window's reset, else 1 s), and a spent window pauses
 * until it resets unless that is longer than the cap. A longer wait is left
 * to the failing call (RATE_LIMITED with `retryAfterMs`), so an hour-long
 * window never silently holds every caller for an hour.
 */
export function budgetHints(response: Response, maxDelayMs: number): Headers {
  const limit = parseRateLimit(response.headers.get('ratelimit'));
  if (response.status === 429) {
    const spentResetMs = limit !== undefined && limit.remaining === 0 ? limit.resetMs : undefined;
    const waitMs = parseRetryAfter(response.headers.get('retry-after')) ?? spentResetMs ?? 1_000;
    return new Headers({ 'retry-after': String(Math.min(waitMs, maxDelayMs) / 1_000) });
  }
  if (limit === undefined || limit.remaining > 0 || limit.resetMs <= maxDelayMs) return response.headers;
  const headers = new Headers(response.headers);
  headers.delete('ratelimit');
  return headers;
}
