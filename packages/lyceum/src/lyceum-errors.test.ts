import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError, RunctlError } from '@runctl/core';
import { createLyceum } from './lyceum-provider.ts';
import { resolveLyceumSettings } from './lyceum-settings.ts';
import { startLyceumHarness, type LyceumHarness } from './test-harness.ts';

let harness: LyceumHarness | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await harness?.close();
  harness = undefined;
});

const errorOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

/** Everything an error could show: message, hint, stack, cause chain, JSON and inspect output. */
function everythingIn(error: unknown): string {
  return [inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }), JSON.stringify(error), String((error as Error).stack)].join('\n');
}

describe('credentials', () => {
  it('creating the provider reads nothing and never throws; a missing key is AUTH naming the variable', async () => {
    vi.stubEnv('LYCEUM_API_KEY', '');
    const provider = createLyceum({ baseURL: 'http://127.0.0.1:9', sshKeyDir: '/nonexistent/keys' });
    expect(provider.name).toBe('lyceum');
    for (const call of [provider.createResource('a100'), provider.getResourceStatus('vm-1'), provider.listResources(), provider.createResource('run:cpu')]) {
      const error = await errorOf(call);
      expect(RunctlError.hasCode(error, 'AUTH')).toBe(true);
      expect((error as Error).message).toContain('LYCEUM_API_KEY');
    }
  });

  it('reads LYCEUM_API_KEY on first use, sends it as a Bearer token, and X-Org-Slug when set', async () => {
    harness = await startLyceumHarness();
    const { apiKey: _explicit, ...withoutKey } = harness.settings;
    vi.stubEnv('LYCEUM_API_KEY', harness.fake.apiKey);
    await createLyceum({ ...withoutKey, orgSlug: 'acme-ml' }).listResources();
    expect(harness.fake.calls.at(-1)).toMatchObject({ authorization: `Bearer ${harness.fake.apiKey}`, orgSlug: 'acme-ml', status: 200 });
  });

  it('validates settings, naming the field', () => {
    for (const [settings, field] of [
      [{ baseURL: 'ftp://x' }, 'settings.baseURL'],
      [{ timeout: 'soon' }, 'settings.timeout'],
      [{ runTimeout: '20m' }, 'settings.runTimeout'],
      [{ sshPublicKey: 'nope' }, 'settings.sshPublicKey'],
      [{ fetch: 'no' }, 'settings.fetch'],
      [{ apikey: 'typo' }, 'settings'],
    ] as const) {
      try {
        resolveLyceumSettings(settings as never);
        expect.unreachable();
      } catch (error) {
        expect(InvalidInputError.isInstance(error) && error.field).toBe(field);
      }
    }
  });
});

describe('HTTP errors', () => {
  it('401 is AUTH with a hint, and the (wrong) key appears nowhere', async () => {
    harness = await startLyceumHarness({ settings: { apiKey: 'lk_live_WRONG_secret_0123456789' } });
    const error = await errorOf(harness.provider.getResourceStatus('vm-1'));
    expect(RunctlError.hasCode(error, 'AUTH')).toBe(true);
    expect((error as RunctlError).statusCode).toBe(401);
    expect((error as RunctlError).hint).toMatch(/LYCEUM_API_KEY/);
    expect(everythingIn(error)).not.toContain('WRONG_secret');
  });

  it('422 is INVALID_INPUT naming the fields Lyceum listed (mapped to runctl inputs where known)', async () => {
    // A fetch that corrupts the request, so the fake answers with FastAPI's HTTPValidationError.
    const corrupting: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (!request.url.endsWith('/vms/create')) return fetch(request);
      const body = { ...((await request.json()) as Record<string, unknown>), instance_type: 'reserved', instance_specs: 'big' };
      return fetch(new Request(request, { body: JSON.stringify(body) }));
    };
    harness = await startLyceumHarness({ settings: { fetch: corrupting } });
    const error = await errorOf(harness.provider.createResource('a100'));
    expect(InvalidInputError.isInstance(error)).toBe(true);
    const invalid = error as InvalidInputError;
    expect(invalid.issues.map((issue) => issue.field).sort()).toEqual(['options.instanceSpecs', 'options.spot']);
    expect(invalid.message).toContain('instance_type');
    expect(invalid.message).toContain('instance_specs');
    expect(invalid.message).toContain('HTTP 422');
    expect(invalid.message).not.toContain('reserved'); // input values are never echoed
  });

  it('429 is RATE_LIMITED with Retry-After, retried for reads until it passes', async () => {
    harness = await startLyceumHarness({ settings: { retry: { maxRetries: 0 } } });
    harness.fake.failNext('GET /vms/list', { status: 429, retryAfterSeconds: 7 });
    const error = await errorOf(harness.provider.listResources());
    expect(RunctlError.hasCode(error, 'RATE_LIMITED')).toBe(true);
    expect((error as RunctlError).retryAfterMs).toBe(7_000);
    await harness.close();
    harness = await startLyceumHarness();
    harness.fake.failNext('GET /vms/list', { status: 429, retryAfterSeconds: 0 }, 2);
    await expect(harness.provider.listResources()).resolves.toEqual([]);
  });

  it('5xx is a retryable PROVIDER error once retries run out', async () => {
    harness = await startLyceumHarness({ settings: { retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 2 } } });
    harness.fake.failNext('GET /vms/list', { status: 500, detail: 'database on fire' }, 5);
    const error = await errorOf(harness.provider.listResources());
    expect(RunctlError.hasCode(error, 'PROVIDER')).toBe(true);
    expect((error as RunctlError).retryable).toBe(true);
    expect((error as Error).message).toContain('database on fire');
    expect(harness.fake.calls.filter((call) => call.route === '/vms/list')).toHaveLength(2);
  });

  it('a slow answer is TIMEOUT; an unreachable API is a retryable PROVIDER error; neither shows the key', async () => {
    harness = await startLyceumHarness({ settings: { timeout: 100, retry: { maxRetries: 0 } } });
    harness.fake.failNext('GET /vms/list', { delayMs: 1_000 });
    const slow = await errorOf(harness.provider.listResources());
    expect(RunctlError.hasCode(slow, 'TIMEOUT')).toBe(true);
    const down = createLyceum({ ...harness.settings, baseURL: 'http://127.0.0.1:9/api/v2/external' });
    const refused = await errorOf(down.listResources());
    expect(RunctlError.hasCode(refused, 'PROVIDER')).toBe(true);
    expect((refused as RunctlError).retryable).toBe(true);
    expect((refused as Error).message).toMatch(/Could not reach Lyceum at http:\/\/127\.0\.0\.1:9/);
    for (const error of [slow, refused]) expect(everythingIn(error)).not.toContain(harness.fake.apiKey);
  });

  it('aborting a call rejects with ABORTED at once', async () => {
    harness = await startLyceumHarness();
    harness.fake.failNext('GET /vms/list', { delayMs: 2_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const error = await errorOf(harness.provider.listResources({}, { signal: controller.signal }));
    expect(RunctlError.hasCode(error, 'ABORTED')).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
