import { RunctlError } from '@runctl/core';
import { afterEach, describe, expect, it } from 'vitest';
import { callsTo, failureOf, startRunpodHarness, type RunpodHarness } from './test-fixtures/runpod-harness.ts';

const POST_PODS = { method: 'POST', path: '/v2/pods' } as const;

describe('runpod faults (fake API)', () => {
  let harness: RunpodHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('a create whose connection drops after the pod was made leaves exactly one pod, without a second POST', async () => {
    harness = await startRunpodHarness();
    const { provider, fake } = harness;
    fake.failNext(POST_PODS, { reset: 'after' });
    const status = await provider.createResource('RTX4090', { name: 'once' });
    expect([...fake.pods.keys()]).toEqual([status.id]);
    expect(callsTo(fake, 'POST', '/v2/pods')).toBe(1);
    expect(status.name).toBe('once');
  });

  it('a create dropped before the server read it is sent again: still one pod', async () => {
    harness = await startRunpodHarness();
    const { provider, fake } = harness;
    fake.failNext(POST_PODS, { reset: 'before' });
    const status = await provider.createResource('RTX4090');
    expect([...fake.pods.keys()]).toEqual([status.id]);
    expect(callsTo(fake, 'POST', '/v2/pods')).toBe(2);
  });

  it('a create answered after the client timeout is found by name, not made twice', async () => {
    harness = await startRunpodHarness({ settings: { timeout: 300 } });
    const { provider, fake } = harness;
    fake.failNext(POST_PODS, { delayMs: 1_500 });
    const status = await provider.createResource('RTX4090');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect([...fake.pods.keys()]).toEqual([status.id]);
    expect(callsTo(fake, 'POST', '/v2/pods')).toBe(1);
  });

  it('retries a create that failed with 500 only after checking no pod was made', async () => {
    harness = await startRunpodHarness();
    const { provider, fake } = harness;
    fake.failNext(POST_PODS, { status: 500 }, 2);
    const status = await provider.createResource('RTX4090');
    expect([...fake.pods.keys()]).toEqual([status.id]);
    const sequence = fake.calls.filter((call) => call.path === '/v2/pods').map((call) => `${call.method}:${call.status}`);
    // A final lookup after success sweeps twins a late answer could have made.
    expect(sequence).toEqual(['POST:500', 'GET:200', 'POST:500', 'GET:200', 'POST:201', 'GET:200']);
  });

  it('deletes a twin made by a late duplicate of an ambiguous create', async () => {
    let held: (() => Promise<unknown>) | undefined;
    const fetchWithLateDuplicate: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.method === 'POST' && new URL(request.url).pathname === '/v2/pods') {
        if (held === undefined) {
          const copy = request.clone();
          held = () => fetch(copy);
          throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
        }
        await held(); // the first attempt reaches RunPod late, after our lookup found nothing
      }
      return fetch(request);
    };
    harness = await startRunpodHarness({ settings: { fetch: fetchWithLateDuplicate } });
    const { provider, fake } = harness;
    const status = await provider.createResource('RTX4090');
    expect([...fake.pods.keys()]).toEqual([status.id]);
    expect(callsTo(fake, 'POST', '/v2/pods')).toBe(2);
    expect(fake.calls.filter((call) => call.method === 'DELETE')).toHaveLength(1);
  });

  it('deletes the pod of a create the caller aborted mid-flight', async () => {
    harness = await startRunpodHarness();
    const { provider, fake } = harness;
    fake.failNext(POST_PODS, { delayMs: 2_000 });
    const error = await failureOf(provider.createResource('RTX4090', { signal: AbortSignal.timeout(200) }));
    expect(RunctlError.hasCode(error, 'TIMEOUT') || RunctlError.hasCode(error, 'ABORTED')).toBe(true);
    expect(fake.pods.size).toBe(0);
  });

  it('rides out a 429 storm, honouring Retry-After', async () => {
    harness = await startRunpodHarness({ settings: { retry: { maxRetries: 5, initialDelayMs: 10, maxDelayMs: 5_000 } } });
    const { provider, fake } = harness;
    fake.failNext({ method: 'GET', path: '/v2/pods' }, { status: 429 }, 3);
    let started = Date.now();
    expect(await provider.listResources()).toEqual([]);
    expect(Date.now() - started).toBeLessThan(10_000); // no Retry-After and no spent window: short pauses, not the window's reset
    fake.failNext({ method: 'GET', path: '/v2/pods' }, { status: 429, retryAfter: 1 });
    started = Date.now();
    await provider.listResources();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives RATE_LIMITED with the server’s wait when the storm outlasts the retries', async () => {
    harness = await startRunpodHarness({ settings: { retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 2_000 } } });
    const { provider, fake } = harness;
    fake.failNext({ method: 'GET', path: '/v2/pods' }, { status: 429, retryAfter: 1 }, 2);
    const started = Date.now();
    const error = await failureOf(provider.listResources());
    expect(RunctlError.hasCode(error, 'RATE_LIMITED')).toBe(true);
    expect((error as RunctlError).retryAfterMs).toBe(1_000);
    expect((error as RunctlError).retryable).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950); // it did wait once, as asked
  });

  it('fails fast on a wait longer than the retry cap (an hour window), without stalling later calls', async () => {
    harness = await startRunpodHarness({ settings: { retry: { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 2_000 } } });
    const { provider, fake } = harness;
    fake.failNext({ method: 'GET', path: '/v2/pods' }, { status: 429, retryAfter: 3_600 });
    const started = Date.now();
    const error = await failureOf(provider.listResources());
    expect(RunctlError.hasCode(error, 'RATE_LIMITED') && error.retryAfterMs).toBe(3_600_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    // The shared budget paused for the cap (2 s) at most, not the hour.
    await provider.listResources();
    expect(Date.now() - started).toBeLessThan(3_500);
  });

  it('pauses every caller on the account while a RateLimit window is spent', async () => {
    let first = true;
    const spentWindow: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!first) return response;
      first = false;
      const headers = new Headers(response.headers);
      headers.set('ratelimit', '"minute";r=0;t=1, "hour";r=2800;t=1812');
      return new Response(await response.arrayBuffer(), { status: response.status, headers });
    };
    harness = await startRunpodHarness({ settings: { fetch: spentWindow, retry: { maxRetries: 3, initialDelayMs: 10, maxDelayMs: 2_000 } } });
    await harness.provider.listResources();
    const started = Date.now();
    await harness.withSettings({}).listResources(); // another instance, same account: same budget
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('retries 500s and resets on reads, and reports a lasting outage as retryable PROVIDER', async () => {
    harness = await startRunpodHarness();
    const { provider, fake } = harness;
    fake.failNext({ method: 'GET', path: '/v2/pods' }, { status: 503 }, 2);
    fake.failNext({ method: 'GET', path: '/v2/pods' }, { reset: 'before' });
    await expect(provider.listResources()).resolves.toEqual([]);
    fake.failNext({ method: 'GET', path: '/v2/pods' }, { status: 500 }, 10);
    const error = await failureOf(provider.listResources());
    expect(RunctlError.hasCode(error, 'PROVIDER') && error.retryable).toBe(true);
    expect((error as RunctlError).statusCode).toBe(500);
  });

  it('retries a DELETE whose answer was lost, and the 404 that follows means done', async () => {
    harness = await startRunpodHarness();
    const { provider, fake } = harness;
    const { id } = await provider.createResource('RTX4090');
    fake.failNext({ method: 'DELETE', path: '/v2/pods/{id}' }, { reset: 'after' });
    await provider.terminate(id);
    expect(fake.pods.size).toBe(0);
    expect(fake.calls.filter((call) => call.method === 'DELETE').map((call) => call.status)).toEqual(['reset', 404]);
  });
});
