import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeRunpod, type FakeRunpod } from './fake-runpod.ts';
import { call, GPU_POD } from './test-client.ts';

describe('failNext', () => {
  let fake: FakeRunpod;
  const create = (signal?: AbortSignal) => call(fake, 'POST', '/v2/pods', { body: GPU_POD, ...(signal ? { signal } : {}) });
  const postsToPods = () => fake.calls.filter((c) => c.method === 'POST' && c.path === '/v2/pods');

  beforeEach(async () => {
    fake = await startFakeRunpod();
  });
  afterEach(() => fake.close());

  it('answers 429 with the spec body and the requested Retry-After, once', async () => {
    fake.failNext({ method: 'POST', path: '/v2/pods' }, { status: 429, retryAfter: 3 });
    const limited = await create();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.headers.get('ratelimit-policy')).not.toBeNull();
    expect(limited.body).toEqual({ title: 'Too Many Requests', status: 429, detail: 'rate limit exceeded for the minute window' });
    expect((await create()).status).toBe(201);
    expect(fake.pods.size).toBe(1);
  });

  it('answers 5xx, 400 (with detail) and 402 as problem+json without doing the work', async () => {
    const match = { method: 'POST', path: '/v2/pods' };
    fake.failNext(match, { status: 500 });
    fake.failNext(match, { status: 502 });
    fake.failNext(match, { status: 503 });
    fake.failNext(match, { status: 400, detail: 'no capacity in US-KS-2' });
    fake.failNext(match, { status: 402 });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await create()).body);
    expect(statuses.map((b) => b.status)).toEqual([500, 502, 503, 400, 402]);
    expect(statuses[1].title).toBe('Bad Gateway');
    expect(statuses[3].detail).toBe('no capacity in US-KS-2');
    expect(fake.pods.size).toBe(0);
  });

  it('repeats a fault `times` times and matches {id} placeholders only on that route', async () => {
    const { body } = await create();
    fake.failNext({ method: 'GET', path: '/v2/pods/{id}' }, { status: 503 }, 2);
    expect((await call(fake, 'GET', '/v2/pods')).status).toBe(200);
    expect((await call(fake, 'GET', `/v2/pods/${body.id}`)).status).toBe(503);
    expect((await call(fake, 'GET', `/v2/pods/${body.id}`)).status).toBe(503);
    expect((await call(fake, 'GET', `/v2/pods/${body.id}`)).status).toBe(200);
  });

  it("reset: 'before' drops the connection and creates nothing", async () => {
    fake.failNext({ method: 'POST', path: '/v2/pods' }, { reset: 'before' });
    await expect(create()).rejects.toThrow();
    expect(fake.pods.size).toBe(0);
    expect(postsToPods().map((c) => c.status)).toEqual(['reset']);
  });

  it("reset: 'after' creates the pod, then drops the connection (the ambiguous create)", async () => {
    fake.failNext({ method: 'POST', path: '/v2/pods' }, { reset: 'after' });
    await expect(create()).rejects.toThrow();
    expect(fake.pods.size).toBe(1);
    const [only] = postsToPods();
    expect(postsToPods()).toHaveLength(1);
    expect(only).toMatchObject({ status: 'reset', fault: { reset: 'after' }, body: GPU_POD });
    const listed = await call(fake, 'GET', '/v2/pods');
    expect(listed.body.pods).toHaveLength(1);
  });

  it('delayMs answers late; a client that times out still created the pod', async () => {
    fake.failNext({ path: '/v2/pods' }, { delayMs: 300 });
    const started = Date.now();
    await expect(create(AbortSignal.timeout(50))).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(250);
    expect(fake.pods.size).toBe(1);

    fake.failNext({ method: 'GET', path: '/v2/pods' }, { delayMs: 60 });
    const lateStart = Date.now();
    expect((await call(fake, 'GET', '/v2/pods')).status).toBe(200);
    expect(Date.now() - lateStart).toBeGreaterThanOrEqual(55);
  });

  it('accepts RegExp paths and logs query and body of every call', async () => {
    fake.failNext({ path: /^\/v2\/catalog\// }, { status: 500 });
    expect((await call(fake, 'GET', '/v2/catalog/gpus?include=AVAILABILITY&product=POD')).status).toBe(500);
    expect(fake.calls.at(-1)).toEqual({
      method: 'GET',
      path: '/v2/catalog/gpus',
      query: { include: 'AVAILABILITY', product: 'POD' },
      body: undefined,
      status: 500,
      fault: { status: 500 },
    });
    expect(() => fake.failNext({ path: '/v2/pods' }, { status: 500 }, 0)).toThrow(RangeError);
  });
});
