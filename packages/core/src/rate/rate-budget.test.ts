import { describe, expect, it } from 'vitest';
import { RunctlError } from '../errors/runctl-error.ts';
import { parseRateLimit, parseRetryAfter, RateBudget, rateBudgetFor } from './rate-budget.ts';

describe('RateBudget', () => {
  it('lets a burst through, then paces at the rate', async () => {
    const budget = new RateBudget({ ratePerSecond: 50, burst: 5 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 15 }, () => budget.acquire()));
    // 5 immediately, 10 more at 50/s ≈ 200 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(budget.granted).toBe(15);
  });

  it('serves high priority before queued low priority calls', async () => {
    const budget = new RateBudget({ ratePerSecond: 20, burst: 1 });
    await budget.acquire();
    const order: string[] = [];
    const low = Array.from({ length: 3 }, (_, index) => budget.acquire({ priority: 'low' }).then(() => order.push(`low${index}`)));
    const high = budget.acquire({ priority: 'high' }).then(() => order.push('terminate'));
    await Promise.all([...low, high]);
    expect(order[0]).toBe('terminate');
  });

  it('pauses everyone for Retry-After on a 429 and halves the rate, then recovers', async () => {
    const budget = new RateBudget({ ratePerSecond: 100, burst: 2 });
    budget.observe(429, new Headers({ 'retry-after': '0.3' }));
    expect(budget.rate).toBe(50);
    const started = Date.now();
    await budget.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    for (let index = 0; index < 20; index++) budget.observe(200);
    expect(budget.rate).toBe(100);
  });

  it('pauses when a RateLimit header says nothing is left in a window', async () => {
    const budget = new RateBudget({ ratePerSecond: 100, burst: 5 });
    budget.observe(200, new Headers({ ratelimit: '"minute";r=0;t=0, "hour";r=2800;t=1812' }));
    await budget.acquire();
    budget.observe(200, new Headers({ ratelimit: '"second";r=0;t=1' }));
    const started = Date.now();
    await budget.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('ignores windows with requests left, and caps how long a hint may pause callers', async () => {
    const budget = new RateBudget({ ratePerSecond: 100, burst: 5, maxPauseMs: 200 });
    budget.observe(429, new Headers({ ratelimit: '"minute";r=30;t=60' }));
    let started = Date.now();
    await budget.acquire();
    expect(Date.now() - started).toBeLessThan(1_500); // the default 1 s, not the minute window's 60 s
    budget.observe(200, new Headers({ ratelimit: '"hour";r=0;t=3600' }));
    started = Date.now();
    await budget.acquire();
    expect(Date.now() - started).toBeLessThan(600);
  });

  it('rejects waiting calls whose signal aborts', async () => {
    const budget = new RateBudget({ ratePerSecond: 1, burst: 1 });
    await budget.acquire();
    const controller = new AbortController();
    const waiting = budget.acquire({ signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toSatisfy((error: unknown) => RunctlError.hasCode(error, 'ABORTED'));
    expect(budget.queued).toBe(0);
  });

  it('is shared process-wide per key', () => {
    expect(rateBudgetFor('x:1')).toBe(rateBudgetFor('x:1'));
    expect(rateBudgetFor('x:1')).not.toBe(rateBudgetFor('x:2'));
  });
});

describe('rate-limit headers', () => {
  it('parses Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('finds the tightest RateLimit window', () => {
    expect(parseRateLimit('"minute";r=0;t=12, "hour";r=2800;t=1812')).toEqual({ remaining: 0, resetMs: 12_000 });
    expect(parseRateLimit('"day";r=5;t=60')).toEqual({ remaining: 5, resetMs: 60_000 });
    expect(parseRateLimit(null)).toBeUndefined();
  });
});
