import { abortError } from '../util/abort.ts';

/** Who is asking: terminate outranks create, which outranks status polling. */
export type RequestPriority = 'high' | 'normal' | 'low';

/** Settings of a {@link RateBudget}. */
export interface RateBudgetOptions {
  /** Sustained requests per second (default 5). */
  ratePerSecond?: number;
  /** Requests allowed back to back after a quiet spell (default 10). */
  burst?: number;
  /** Lowest the adaptive rate may fall to after 429s (default 0.2/s). */
  minRatePerSecond?: number;
  /**
   * Longest a provider's hint may pause every caller (default 60 s). A spent
   * hour-long window should not silently hold a process for an hour; calls
   * then go out and fail fast with RATE_LIMITED instead.
   */
  maxPauseMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

interface Waiter {
  priority: number;
  resolve: () => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal | undefined;
  onAbort?: () => void;
}

const RANK: Record<RequestPriority, number> = { high: 0, normal: 1, low: 2 };

/**
 * A token bucket shared by every caller of one provider account in this
 * process, so a fleet of watchers and jobs cannot hammer an API into rate
 * limits. Waiting calls are served by priority. A 429 pauses everyone for
 * its Retry-After and halves the rate, which then recovers gradually
 * (additive increase, multiplicative decrease).
 *
 * @example
 * ```ts
 * const budget = rateBudgetFor('runpod:' + accountKey, { ratePerSecond: 1 });
 * await budget.acquire({ priority: 'low', signal });  // before each request
 * budget.observe(response.status, response.headers);  // after it
 * ```
 */
export class RateBudget {
  readonly maxRate: number;
  readonly burst: number;
  readonly minRate: number;
  readonly maxPauseMs: number;
  #rate: number;
  #tokens: number;
  #lastRefill: number;
  #pausedUntil = 0;
  #waiters: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #now: () => number;
  /** Requests granted so far, for tests and benchmarks. */
  granted = 0;

  constructor(options: RateBudgetOptions = {}) {
    this.maxRate = options.ratePerSecond ?? 5;
    this.burst = Math.max(1, options.burst ?? 10);
    this.minRate = Math.min(this.maxRate, options.minRatePerSecond ?? 0.2);
    this.maxPauseMs = options.maxPauseMs ?? 60_000;
    this.#rate = this.maxRate;
    this.#tokens = this.burst;
    this.#now = options.now ?? (() => Date.now());
    this.#lastRefill = this.#now();
  }

  /** The current (possibly reduced) rate, requests per second. */
  get rate(): number {
    return this.#rate;
  }

  /** Waiting calls. */
  get queued(): number {
    return this.#waiters.length;
  }

  /** Resolves when this call may go ahead. */
  acquire(options: { priority?: RequestPriority; signal?: AbortSignal | undefined } = {}): Promise<void> {
    if (options.signal?.aborted) return Promise.reject(abortError(options.signal));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { priority: RANK[options.priority ?? 'normal'], resolve, reject, signal: options.signal };
      if (options.signal !== undefined) {
        waiter.onAbort = () => {
          this.#waiters = this.#waiters.filter((candidate) => candidate !== waiter);
          reject(abortError(options.signal as AbortSignal));
        };
        options.signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      // Stable by priority: earlier calls of the same priority go first.
      const at = this.#waiters.findIndex((candidate) => candidate.priority > waiter.priority);
      if (at === -1) this.#waiters.push(waiter);
      else this.#waiters.splice(at, 0, waiter);
      this.#drain();
    });
  }

  /**
   * Learns from a response: 429 (or a throttling error) pauses every caller for
   * `Retry-After` and halves the rate; `RateLimit` headers with nothing left
   * pause until their reset; success lets the rate recover.
   */
  observe(status: number, headers?: Headers | { get(name: string): string | null }): void {
    const retryAfterMs = parseRetryAfter(headers?.get('retry-after') ?? null, this.#now());
    const limit = parseRateLimit(headers?.get('ratelimit') ?? null);
    // Only a window with nothing left explains a wait; the others are informational.
    const spentResetMs = limit !== undefined && limit.remaining === 0 ? limit.resetMs : undefined;
    if (status === 429) {
      this.penalize(retryAfterMs ?? spentResetMs ?? 1_000);
      return;
    }
    if (spentResetMs !== undefined) this.#pause(spentResetMs);
    if (status < 400) this.#rate = Math.min(this.maxRate, this.#rate + this.maxRate / 20);
  }

  /** Backs off everyone for `delayMs` and halves the rate. */
  penalize(delayMs: number): void {
    this.#rate = Math.max(this.minRate, this.#rate / 2);
    this.#pause(delayMs);
  }

  #pause(requestedMs: number): void {
    const delayMs = Math.min(this.maxPauseMs, Math.max(0, requestedMs));
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#now() + delayMs);
    this.#tokens = Math.min(this.#tokens, 1);
    this.#schedule(delayMs);
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#lastRefill) / 1000) * this.#rate);
    this.#lastRefill = now;
  }

  #drain(): void {
    this.#refill();
    const now = this.#now();
    if (now < this.#pausedUntil) {
      this.#schedule(this.#pausedUntil - now);
      return;
    }
    while (this.#waiters.length > 0 && this.#tokens >= 1) {
      const waiter = this.#waiters.shift() as Waiter;
      this.#tokens -= 1;
      this.granted++;
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    if (this.#waiters.length > 0) this.#schedule(((1 - this.#tokens) / this.#rate) * 1000);
  }

  #schedule(delayMs: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#drain();
    }, Math.max(1, Math.ceil(delayMs)));
    // A pending budget never keeps the process alive on its own.
    this.#timer.unref?.();
  }
}

/** Milliseconds to wait from a Retry-After header (seconds or an HTTP date). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The tightest window of an IETF `RateLimit` header, e.g.
 * `"minute";r=0;t=12, "hour";r=2800;t=1812` → `{ remaining: 0, resetMs: 12000 }`.
 */
export function parseRateLimit(value: string | null): { remaining: number; resetMs: number } | undefined {
  if (value === null) return undefined;
  let tightest: { remaining: number; resetMs: number } | undefined;
  for (const item of value.split(',')) {
    const remaining = /(?:^|;)\s*r=(\d+)/.exec(item)?.[1];
    const reset = /(?:^|;)\s*t=(\d+)/.exec(item)?.[1];
    if (remaining === undefined) continue;
    const candidate = { remaining: Number(remaining), resetMs: Number(reset ?? 0) * 1000 };
    if (tightest === undefined || candidate.remaining < tightest.remaining) tightest = candidate;
  }
  return tightest;
}

const budgets = new Map<string, RateBudget>();

/** The process-wide budget for `key` (e.g. a provider plus a hash of its account), created on first use. */
export function rateBudgetFor(key: string, options?: RateBudgetOptions): RateBudget {
  let budget = budgets.get(key);
  if (budget === undefined) budgets.set(key, (budget = new RateBudget(options)));
  return budget;
}
