import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError, RunctlError } from '@runctl/core';
import { startLyceumHarness, type LyceumHarness } from '../test-harness.ts';
import { decodeVmName } from '../vm-name.ts';

let harness: LyceumHarness;
afterEach(async () => {
  await harness?.close();
});

const createCalls = (h: LyceumHarness) => h.fake.calls.filter((call) => call.method === 'POST' && call.route === '/vms/create');
const errorOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('waitUntil: timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Lyceum VM control plane', () => {
  it('creates a VM with our public key and runctl markers in its name', async () => {
    harness = await startLyceumHarness();
    const before = Date.now();
    const status = await harness.provider.createResource('a100', { name: 'finetune-7b', maxLifetime: '2h' });
    const vm = harness.fake.vm(status.id);
    const body = createCalls(harness)[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({ hardware_profile: 'a100', instance_type: 'on-demand' });
    expect(body).not.toHaveProperty('instance_specs');
    expect(vm?.userPublicKey).toMatch(/^ssh-ed25519 AAAA/);
    const markers = decodeVmName(vm?.displayName);
    expect(markers?.name).toBe('finetune-7b');
    expect(markers?.expiresAt?.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 7_200_000);
    expect(status).toMatchObject({
      provider: 'lyceum',
      name: 'finetune-7b',
      state: 'starting',
      instanceType: 'a100',
      costPerHour: 1.95,
      spot: false,
      tags: { 'runctl:managed': 'true', 'runctl:name': 'finetune-7b' },
    });
    expect(status.expiresAt).toEqual(markers?.expiresAt);
    expect(status.tags['runctl:expires-at']).toBe(markers?.expiresAt?.toISOString());
    // Another provider (another process) rebuilds the same tags from the name alone.
    const other = (await import('../lyceum-provider.ts')).createLyceum(harness.settings);
    expect((await other.getResourceStatus(status.id)).tags).toEqual(status.tags);
  });

  it('passes GPU counts and spot, checking counts instead of letting Lyceum clamp them', async () => {
    harness = await startLyceumHarness();
    const status = await harness.provider.createResource('h100.4x', { spot: true, instanceSpecs: { disk_gb: 200 } });
    expect(createCalls(harness)[0]?.body).toMatchObject({ hardware_profile: 'h100', instance_type: 'spot', instance_specs: { gpu_count: 4, disk_gb: 200 } });
    expect(status).toMatchObject({ instanceType: 'h100.4x', spot: true, costPerHour: 13 });
    const bad = await errorOf(harness.provider.createResource('a100', { instanceSpecs: { gpu_count: 0 } }));
    expect(InvalidInputError.isInstance(bad) && bad.field).toBe('options.instanceSpecs.gpu_count');
    expect(createCalls(harness)).toHaveLength(1);
  });

  it('reports a ready VM without an IP as starting, then running with the host of host:port', async () => {
    harness = await startLyceumHarness({ fake: { vmPendingMs: 30, ipDelayMs: 1_500, sshEndpoint: { host: '127.0.0.1', port: 2222 } } });
    const { id } = await harness.provider.createResource('cpu');
    const waiting = await waitUntil(async () => {
      const status = await harness.provider.getResourceStatus(id);
      return status.raw === 'ready' ? status : undefined;
    });
    expect(waiting.state).toBe('starting');
    expect(waiting.message).toMatch(/IP address/);
    expect(waiting.publicIp).toBeUndefined();
    const running = await waitUntil(async () => {
      const status = await harness.provider.getResourceStatus(id);
      return status.state === 'running' ? status : undefined;
    });
    expect(running.publicIp).toBe('127.0.0.1');
    expect(running.instanceType).toBe('cpu');
  });

  it('lists every VM in one call, leaving out terminated ones unless asked', async () => {
    harness = await startLyceumHarness({ fake: { vmPendingMs: 60_000 } });
    const a = await harness.provider.createResource('a100', { name: 'a' });
    const b = await harness.provider.createResource('cpu', { name: 'b' });
    await harness.provider.terminate(b.id);
    const callsBefore = harness.fake.calls.length;
    const live = await harness.provider.listResources({ managedOnly: true });
    expect(harness.fake.calls.slice(callsBefore).map((call) => `${call.method} ${call.route}`)).toEqual(['GET /vms/list']);
    expect(harness.fake.calls.at(-1)?.query).toMatchObject({ include_terminated: 'false' });
    expect(live.map((status) => status.id)).toEqual([a.id]);
    const both = await harness.provider.listResources({ ids: [a.id, b.id] });
    expect(both.map((status) => [status.name, status.state])).toEqual([['a', 'starting'], ['b', 'terminated']]);
    expect((await harness.provider.listResources({ tags: { 'runctl:name': 'a' } })).map((status) => status.id)).toEqual([a.id]);
  });

  it('turns "could not be provisioned" into CAPACITY without retrying', async () => {
    harness = await startLyceumHarness();
    harness.fake.failNext('POST /vms/create', { capacity: true });
    const error = await errorOf(harness.provider.createResource('h100.8x'));
    expect(RunctlError.hasCode(error, 'CAPACITY')).toBe(true);
    expect((error as RunctlError).retryable).toBe(false);
    expect(createCalls(harness)).toHaveLength(1);
    expect(harness.fake.vms).toHaveLength(0);
  });

  it('never launches twice: a create whose answer was lost is found by its name', async () => {
    harness = await startLyceumHarness();
    harness.fake.failNext('POST /vms/create', { reset: 'after' });
    const status = await harness.provider.createResource('a100', { name: 'once' });
    expect(createCalls(harness)).toHaveLength(1);
    expect(harness.fake.vms.map((vm) => vm.vmId)).toEqual([status.id]);
    expect(status.name).toBe('once');
  });

  it.each([
    ['a reset before Lyceum saw it', { reset: 'before' as const }],
    ['a 502', { status: 502 as const }],
    ['a 429', { status: 429 as const, retryAfterSeconds: 0 }],
  ])('creates again after %s, once it is sure nothing was made', async (_label, fault) => {
    harness = await startLyceumHarness();
    harness.fake.failNext('POST /vms/create', fault);
    const status = await harness.provider.createResource('cpu');
    expect(createCalls(harness)).toHaveLength(2);
    expect(harness.fake.vms.map((vm) => vm.vmId)).toEqual([status.id]);
  });

  it('retries idempotent reads through 5xx and resets', async () => {
    harness = await startLyceumHarness();
    const { id } = await harness.provider.createResource('cpu');
    harness.fake.failNext('GET /vms/*/status', { status: 503 }, 2);
    harness.fake.failNext('GET /vms/*/status', { reset: 'before' });
    expect((await harness.provider.getResourceStatus(id)).id).toBe(id);
  });

  it('terminates with DELETE, idempotently, and says NOT_FOUND for ids it never had', async () => {
    harness = await startLyceumHarness();
    const { id } = await harness.provider.createResource('cpu');
    await harness.provider.terminate(id);
    await harness.provider.terminate(id);
    expect(harness.fake.calls.filter((call) => call.method === 'DELETE').map((call) => call.status)).toEqual([200, 404]);
    expect((await harness.provider.getResourceStatus(id)).state).toBe('terminated');
    expect(RunctlError.hasCode(await errorOf(harness.provider.getResourceStatus('no-such-vm')), 'NOT_FOUND')).toBe(true);
    const train = await errorOf(harness.provider.train(id, { command: ['true'] }));
    expect(RunctlError.hasCode(train, 'INVALID_STATE')).toBe(true);
  });

  it('refuses tags (Lyceum cannot keep them) and options of the other mode', async () => {
    harness = await startLyceumHarness();
    for (const [options, field] of [
      [{ tags: { team: 'ml' } }, 'options.tags'],
      [{ image: 'python:3.12' }, 'options.image'],
      [{ unknownOption: 1 }, 'options'],
    ] as const) {
      const error = await errorOf(harness.provider.createResource('a100', options as never));
      expect(InvalidInputError.isInstance(error) && error.field).toBe(field);
    }
    expect(createCalls(harness)).toHaveLength(0);
  });

  it('gives a typed TIMEOUT when a VM never becomes reachable', async () => {
    harness = await startLyceumHarness({ settings: { readyTimeout: 400 } });
    harness.fake.neverReachable('all-new');
    const { id } = await harness.provider.createResource('a100');
    const started = Date.now();
    const error = await errorOf(harness.provider.train(id, { command: ['true'] }));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(RunctlError.hasCode(error, 'TIMEOUT')).toBe(true);
    expect((error as RunctlError).retryable).toBe(false);
    expect((error as RunctlError).message).toMatch(/never got an IP address/);
    expect((error as RunctlError).hint).toMatch(/terminate/);
  });

  it('estimates cost from /machine-types, else from the bundled table', async () => {
    harness = await startLyceumHarness();
    expect(await harness.provider.estimateCost('a100.2x', 3)).toMatchObject({ costPerHour: 3.9, total: 11.7, source: 'live', currency: 'USD', instanceType: 'a100.2x' });
    const offline = await startLyceumHarness();
    try {
      offline.fake.failNext('GET /machine-types', { status: 503 }, 10);
      expect(await offline.provider.estimateCost('h100', 1)).toMatchObject({ costPerHour: 2.79, source: 'bundled', spotCostPerHour: 1.100016 });
      expect(RunctlError.hasCode(await errorOf(offline.provider.estimateCost('cpu', 1)), 'NOT_FOUND')).toBe(true);
    } finally {
      await offline.close();
    }
  });
});
