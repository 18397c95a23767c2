import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError, RunctlError } from '@runctl/core';
import { createLyceumHttp } from './lyceum-http.ts';
import { createLyceum } from './lyceum-provider.ts';
import { budgetHints, lyceumBudgetKey } from './lyceum-rate-budget.ts';
import { resolveLyceumSettings } from './lyceum-settings.ts';
import { createRunApi } from './run-mode/run-api.ts';
import { startLyceumHarness, type LyceumHarness } from './test-harness.ts';
import { createVmApi } from './vm/vm-api.ts';

let harness: LyceumHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const errorOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);
const elapsed = async (call: () => Promise<unknown>): Promise<number> => {
  const started = Date.now();
  await call();
  return Date.now() - started;
};
// Date.now() and Node's timer clock may disagree by a millisecond or two.
const CLOCK_SLACK_MS = 20;

describe('Lyceum rate budget', () => {
  it('one 429 pauses every caller on the account until its Retry-After has passed', async () => {
    // One request at a time, so the others are queued when the 429 comes back.
    harness = await startLyceumHarness({ settings: { rateLimit: { requestsPerSecond: 4, burst: 1 }, retry: { maxRetries: 3, initialDelayMs: 5, maxDelayMs: 5_000 } } });
    const { fake, provider, settings } = harness;
    const sameAccount = createLyceum(settings);
    fake.failNext('GET /vms/list', { status: 429, retryAfterSeconds: 1 });
    await Promise.all([provider.listResources(), sameAccount.listResources(), provider.estimateCost('a100', 1), sameAccount.listResources()]);
    const limited = fake.calls.findIndex((call) => call.status === 429);
    const limitedAt = fake.calls[limited]?.at as number;
    const later = fake.calls.slice(limited + 1);
    expect(later.length).toBeGreaterThanOrEqual(4); // the three waiting callers, and the retry of the limited one
    for (const call of later) expect(call.at).toBeGreaterThanOrEqual(limitedAt + 1_000 - CLOCK_SLACK_MS);
    await sameAccount.close();
  });

  it('a VM DELETE and a run abort go before status polls already waiting', async () => {
    harness = await startLyceumHarness();
    const { fake, settings } = harness;
    const retry = { maxRetries: 0, initialDelayMs: 5, maxDelayMs: 50 };
    const http = createLyceumHttp({
      provider: 'lyceum',
      baseURL: settings.baseURL as string,
      apiKey: () => fake.apiKey,
      orgSlug: undefined,
      headers: {},
      fetch: undefined,
      timeoutMs: 5_000,
      retry,
      rateLimit: { requestsPerSecond: 10, burst: 1 },
    });
    const vms = createVmApi(http, 'lyceum');
    const runs = createRunApi(http, settings.baseURL as string, 'lyceum', retry);
    const polls = [vms.list({ includeTerminated: false }), runs.status('run-1'), vms.list({ includeTerminated: false }), runs.logs('run-1')];
    const stops = [errorOf(vms.remove('vm-1')), runs.abort('run-1')];
    await Promise.all([...polls.map(errorOf), ...stops]);
    const order = fake.calls.map((call) => `${call.method} ${call.route}`);
    // The first poll had the only token; the stops were queued last but served first.
    expect(order.slice(0, 3)).toEqual(['GET /vms/list', 'DELETE /vms/vm-1', 'POST /workloads/abort/run-1']);
    expect(order.slice(3)).toHaveLength(3);
  });

  it('is shared by provider instances on one account, and not across accounts', async () => {
    harness = await startLyceumHarness({ settings: { retry: { maxRetries: 0, maxDelayMs: 5_000 } } });
    const { fake, provider, settings } = harness;
    // Another key (another account): the fake knows one key, so the request is re-signed on the way out.
    const resign: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      request.headers.set('authorization', `Bearer ${fake.apiKey}`);
      return fetch(request);
    };
    const otherAccount = createLyceum({ ...settings, apiKey: 'lk_other_account', fetch: resign });
    const sameAccount = createLyceum({ ...settings, retry: { maxRetries: 3, initialDelayMs: 5, maxDelayMs: 5_000 } });
    fake.failNext('GET /vms/list', { status: 429, retryAfterSeconds: 1 });
    expect(RunctlError.hasCode(await errorOf(provider.listResources()), 'RATE_LIMITED')).toBe(true);
    expect(await elapsed(() => otherAccount.listResources())).toBeLessThan(500);
    expect(await elapsed(() => sameAccount.listResources())).toBeGreaterThanOrEqual(800);
    await Promise.all([otherAccount.close(), sameAccount.close()]);
  });

  it('keys budgets by a hash of base URL and key, never the key itself', () => {
    const key = lyceumBudgetKey('https://api.lyceum.technology/api/v2/external', 'lk_live_SECRET');
    expect(key).toMatch(/^lyceum:[0-9a-f]{24}$/);
    expect(key).not.toContain('SECRET');
    expect(lyceumBudgetKey('https://api.lyceum.technology/api/v2/external', 'lk_live_SECRET')).toBe(key);
    expect(lyceumBudgetKey('https://api.lyceum.technology/api/v2/external', 'lk_live_OTHER')).not.toBe(key);
  });

  it('caps the pauses it learns at the retry cap', () => {
    const answer = (status: number, headers: Record<string, string>) => new Response(null, { status, headers });
    expect(budgetHints(answer(429, { 'retry-after': '3600' }), 2_000).get('retry-after')).toBe('2');
    expect(budgetHints(answer(429, {}), 30_000).get('retry-after')).toBe('1');
    expect(budgetHints(answer(429, { ratelimit: '"minute";r=0;t=7' }), 30_000).get('retry-after')).toBe('7');
    expect(budgetHints(answer(200, { ratelimit: '"hour";r=0;t=3600' }), 30_000).get('ratelimit')).toBeNull();
    expect(budgetHints(answer(200, { ratelimit: '"second";r=0;t=1' }), 30_000).get('ratelimit')).toBe('"second";r=0;t=1');
  });
});

describe('settings.rateLimit', () => {
  it('defaults to 5 requests/s with bursts of 10, and takes overrides', () => {
    expect(resolveLyceumSettings({}).rateLimit).toEqual({ requestsPerSecond: 5, burst: 10 });
    expect(resolveLyceumSettings({ rateLimit: { requestsPerSecond: 0.5 } }).rateLimit).toEqual({ requestsPerSecond: 0.5, burst: 10 });
    expect(resolveLyceumSettings({ rateLimit: { burst: 1 } }).rateLimit).toEqual({ requestsPerSecond: 5, burst: 1 });
  });

  it('rejects bad values, naming the field', () => {
    for (const [rateLimit, field] of [
      [{ requestsPerSecond: 0 }, 'settings.rateLimit.requestsPerSecond'],
      [{ requestsPerSecond: -2 }, 'settings.rateLimit.requestsPerSecond'],
      [{ requestsPerSecond: '5' }, 'settings.rateLimit.requestsPerSecond'],
      [{ burst: 0 }, 'settings.rateLimit.burst'],
      [{ burst: 2.5 }, 'settings.rateLimit.burst'],
      [{ perSecond: 5 }, 'settings.rateLimit'],
      [5, 'settings.rateLimit'],
    ] as const) {
      let caught: unknown;
      try {
        createLyceum({ rateLimit: rateLimit as never });
      } catch (error) {
        caught = error;
      }
      expect(InvalidInputError.isInstance(caught) && caught.field, JSON.stringify(rateLimit)).toBe(field);
    }
  });
});
