import { afterEach, describe, expect, it } from 'vitest';
import { startFakeRunpod, type FakeRunpod } from './fake-runpod.ts';
import { call, manualClock } from './test-client.ts';

const KEY_A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILXGDN/SclOozk1xsDztpmhGiKkkrfQB9SKoO8dSIQQZ a@example.com';
const KEY_B = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY= b@example.com';

describe('auth, rate limits and routing', () => {
  let fake: FakeRunpod;
  afterEach(() => fake.close());

  it('answers 401 problem+json without RateLimit headers for a missing or wrong key', async () => {
    fake = await startFakeRunpod({ apiKey: 'rp_right' });
    const missing = await fetch(`${fake.url}/v2/pods`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toEqual({ title: 'Unauthorized', status: 401, detail: 'missing bearer token' });
    expect(missing.headers.get('ratelimit')).toBeNull();

    const wrong = await call(fake, 'GET', '/v2/pods', { headers: { authorization: 'Bearer rp_wrong' } });
    expect(wrong.body).toMatchObject({ status: 401, detail: 'invalid API key' });
    expect(fake.calls.map((c) => c.status)).toEqual([401, 401]);
  });

  it('puts RateLimit and RateLimit-Policy on authenticated answers, errors included', async () => {
    fake = await startFakeRunpod();
    const ok = await call(fake, 'GET', '/v2/pods');
    expect(ok.headers.get('ratelimit')).toBe('"minute";r=59;t=60, "hour";r=2999;t=3600, "day";r=49999;t=86400');
    expect(ok.headers.get('ratelimit-policy')).toBe('"minute";q=60;w=60, "hour";q=3000;w=3600, "day";q=50000;w=86400');
    const notFound = await call(fake, 'GET', '/v2/pods/nope');
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('ratelimit')).toMatch(/^"minute";r=58;/);
  });

  it('enforces its quota with 429 and Retry-After, then recovers when the window resets', async () => {
    const clock = manualClock();
    fake = await startFakeRunpod({ now: clock.now, rateLimits: { minute: 2 } });
    expect((await call(fake, 'GET', '/v2/pods')).status).toBe(200);
    clock.advance(10_000);
    expect((await call(fake, 'GET', '/v2/pods')).headers.get('ratelimit')).toMatch(/^"minute";r=0;t=50,/);
    const limited = await call(fake, 'GET', '/v2/pods');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('50');
    expect(limited.body).toEqual({ title: 'Too Many Requests', status: 429, detail: 'rate limit exceeded for the minute window' });
    clock.advance(50_000);
    expect((await call(fake, 'GET', '/v2/pods')).status).toBe(200);
  });

  it('answers 404 off the spec, 405 with Allow for a wrong method, 501 for unimplemented operations', async () => {
    fake = await startFakeRunpod();
    expect((await call(fake, 'GET', '/v1/pods')).body).toMatchObject({ status: 404 });
    const wrongMethod = await call(fake, 'PUT', '/v2/pods');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
    expect((await call(fake, 'GET', '/v2/clusters')).body).toMatchObject({ status: 501 });
  });

  it('validates query parameters against the spec', async () => {
    fake = await startFakeRunpod();
    expect((await call(fake, 'GET', '/v2/pods?includeClusterPods=true')).status).toBe(200);
    const bad = await call(fake, 'GET', '/v2/pods?includeClusterPods=maybe');
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual(['query.includeClusterPods: must be boolean']);
  });
});

describe('/v2/account/ssh-keys', () => {
  let fake: FakeRunpod;
  afterEach(() => fake.close());

  it('replaces the whole list on PUT, so clients merge by GET first', async () => {
    fake = await startFakeRunpod({ sshKeys: [KEY_A] });
    expect((await call(fake, 'GET', '/v2/account/ssh-keys')).body).toEqual({ keys: [KEY_A] });

    const replaced = await call(fake, 'PUT', '/v2/account/ssh-keys', { body: { keys: [KEY_B] } });
    expect(replaced.body).toEqual({ keys: [KEY_B] });
    expect(fake.sshKeys).toEqual([KEY_B]);

    const current = (await call(fake, 'GET', '/v2/account/ssh-keys')).body.keys as string[];
    await call(fake, 'PUT', '/v2/account/ssh-keys', { body: { keys: [...current, KEY_A] } });
    expect(fake.sshKeys).toEqual([KEY_B, KEY_A]);

    expect((await call(fake, 'PUT', '/v2/account/ssh-keys', { body: { keys: [] } })).body).toEqual({ keys: [] });
  });

  it('rejects keys that do not match the spec pattern and bodies with extra fields (422)', async () => {
    fake = await startFakeRunpod();
    const badKey = await call(fake, 'PUT', '/v2/account/ssh-keys', { body: { keys: ['not-a-key'] } });
    expect(badKey.status).toBe(422);
    expect(badKey.body.errors).toEqual([expect.stringMatching(/^\$\.keys\[0\]: must match pattern/)]);
    expect((await call(fake, 'PUT', '/v2/account/ssh-keys', { body: { keys: [KEY_A], merge: true } })).status).toBe(422);
    expect((await call(fake, 'PUT', '/v2/account/ssh-keys', { body: {} })).body.errors).toEqual(["$: missing property 'keys'"]);
    expect(fake.sshKeys).toEqual([]);
  });
});
