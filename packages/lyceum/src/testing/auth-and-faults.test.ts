import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CAPACITY_DETAIL } from './dispatch.ts';
import { startFakeLyceum } from './fake-lyceum.ts';
import type { FakeLyceum } from './fake-types.ts';
import { callApi } from './test-helpers.ts';

const VM_BODY = { user_public_key: 'ssh-ed25519 AAAA test', hardware_profile: 'h100', instance_specs: { gpu_count: 1 } };

let fake: FakeLyceum;
beforeEach(async () => {
  fake = await startFakeLyceum({ apiKey: 'lk_live_secret', vmPendingMs: 0, ipDelayMs: 0 });
});
afterEach(async () => {
  await fake.close();
});

describe('authentication', () => {
  it('answers 401 with a detail for a missing or wrong key', async () => {
    const missing = await fetch(`${fake.apiUrl}/machine-types`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await missing.json()).toEqual({ detail: 'Not authenticated' });

    const wrong = await callApi(fake, 'GET', '/vms/list', undefined, { authorization: 'Bearer lk_test_key' });
    expect(wrong.status).toBe(401);
    expect(typeof wrong.body.detail).toBe('string');
    expect((await callApi(fake, 'GET', '/vms/list', undefined, { authorization: 'Basic lk_live_secret' })).status).toBe(401);
  });

  it('accepts the key, records X-Org-Slug, and serves machine types with prices', async () => {
    const answer = await callApi(fake, 'GET', '/machine-types', undefined, { 'x-org-slug': 'acme' });
    expect(answer.status).toBe(200);
    expect(answer.body.count).toBe(answer.body.machine_types.length);
    expect(answer.body.machine_types).toContainEqual({ hardware_profile: 'h100', price_per_hour: 3.25 });
    expect(fake.calls.at(-1)).toMatchObject({ method: 'GET', route: '/machine-types', orgSlug: 'acme', authorization: 'Bearer lk_live_secret', status: 200 });
  });

  it('routes before authenticating, like FastAPI: 404 and 405 need no key', async () => {
    expect((await fetch(`${fake.apiUrl}/no-such-thing`)).status).toBe(404);
    const wrongMethod = await fetch(`${fake.apiUrl}/vms/create`);
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toEqual({ detail: 'Method Not Allowed' });
  });
});

describe('failNext', () => {
  it('reports no capacity as HTTP 500 saying "could not be provisioned", creating nothing', async () => {
    fake.failNext('POST /vms/create', { capacity: true });
    const refused = await callApi(fake, 'POST', '/vms/create', VM_BODY);
    expect(refused.status).toBe(500);
    expect(refused.body.detail).toBe(CAPACITY_DETAIL);
    expect(refused.body.detail).toMatch(/could not be provisioned/);
    expect(fake.vms).toHaveLength(0);
    expect((await callApi(fake, 'POST', '/vms/create', VM_BODY)).status).toBe(200);
  });

  it('fails a glob-matched route the given number of times', async () => {
    const id: string = (await callApi(fake, 'POST', '/vms/create', VM_BODY)).body.vm_id;
    fake.failNext('/vms/*/status', { status: 503 }, 2);
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++) statuses.push((await callApi(fake, 'GET', `/vms/${id}/status`)).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('sends Retry-After on a 429 and matches RegExps and predicates', async () => {
    fake.failNext(/^GET \/vms\/list$/, { status: 429, retryAfterSeconds: 2 });
    const limited = await callApi(fake, 'GET', '/vms/list');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    fake.failNext((call) => call.orgSlug === 'other', { status: 500, detail: 'boom' });
    expect((await callApi(fake, 'GET', '/vms/list')).status).toBe(200);
    expect((await callApi(fake, 'GET', '/vms/list', undefined, { 'x-org-slug': 'other' })).body).toEqual({ detail: 'boom' });
  });

  it('resets the connection before handling: the VM is not created', async () => {
    fake.failNext('POST /vms/create', { reset: 'before' });
    await expect(callApi(fake, 'POST', '/vms/create', VM_BODY)).rejects.toThrow();
    expect(fake.vms).toHaveLength(0);
    expect(fake.calls[0]).toMatchObject({ route: '/vms/create', status: undefined, fault: { reset: 'before' } });
  });

  it('resets the connection after handling: the VM exists though the client saw an error', async () => {
    fake.failNext('POST /vms/create', { reset: 'after' });
    await expect(callApi(fake, 'POST', '/vms/create', { ...VM_BODY, display_name: 'lost-reply' })).rejects.toThrow();
    expect(fake.vms.map((vm) => vm.displayName)).toEqual(['lost-reply']);
    const listed = await callApi(fake, 'GET', '/vms/list');
    expect(listed.body.vms[0].display_name).toBe('lost-reply');
  });

  it('delays a response', async () => {
    fake.failNext('GET /machine-types', { delayMs: 120 });
    const started = Date.now();
    const answer = await callApi(fake, 'GET', '/machine-types');
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });
});
