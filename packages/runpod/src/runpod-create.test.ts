import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, RunctlError, ResourceWatcher } from '@runctl/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_GPU_CATALOG } from './testing/index.ts';
import { parsePodName } from './pod-name.ts';
import { GENERATED_KEY_NAME } from './runpod-ssh-key.ts';
import { callsTo, failureOf, startRunpodHarness, type RunpodHarness } from './test-fixtures/runpod-harness.ts';

const USER_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILXGDN/SclOozk1xsDztpmhGiKkkrfQB9SKoO8dSIQQZ me@laptop';

describe('runpod createResource (fake API)', () => {
  let harness: RunpodHarness;
  beforeEach(async () => {
    harness = await startRunpodHarness({ fake: { sshKeys: [USER_KEY] } });
  });
  afterEach(() => harness.close());

  it('creates a spec-valid pod: alias resolved, gpu.count and 22/tcp always sent, markers in name and env', async () => {
    const { provider, fake } = harness;
    const status = await provider.createResource('RTX4090', { name: 'bert', tags: { team: 'nlp' }, maxLifetime: '2h', env: { WANDB_MODE: 'offline' }, ports: ['8888/http'] });
    expect(status).toMatchObject({ provider: 'runpod', state: 'starting', raw: 'PROVISIONING', name: 'bert', instanceType: 'NVIDIA GeForce RTX 4090', spot: false });
    expect(status.tags).toMatchObject({ 'runctl:managed': 'true', 'runctl:name': 'bert', team: 'nlp' });
    expect(status.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 7_100_000);
    expect(status.expiresAt?.getMilliseconds()).toBe(0);
    expect(status.costPerHour).toBe(0.44);

    const [create] = fake.calls.filter((call) => call.method === 'POST' && call.path === '/v2/pods');
    const body = create?.body as Record<string, any>;
    expect(create?.status).toBe(201);
    expect(body.gpu).toEqual({ id: 'NVIDIA GeForce RTX 4090', count: 1 });
    expect(body.ports).toEqual(['22/tcp', '8888/http']);
    expect(body.startSsh).toBe(true);
    expect(body.image).toMatch(/^runpod\/pytorch:/);
    expect(body.env).toMatchObject({ WANDB_MODE: 'offline', RUNCTL_MANAGED: 'true', RUNCTL_NAME: 'bert', RUNCTL_TAGS: '{"team":"nlp"}' });
    expect(parsePodName(body.name)).toMatchObject({ name: 'bert', expiresAt: status.expiresAt });
    expect(body.name).toMatch(/^runctl-[a-z0-9]{10}-\d{8}T\d{6}Z-bert$/);
  });

  it('maps options onto the pod: count, cloud, disk, volume, data centers', async () => {
    const { provider, fake } = harness;
    const status = await provider.createResource('A100-80GB', { gpuCount: 2, cloud: 'COMMUNITY', disk: 80, volume: 40, dataCenterIds: ['US-TX-3', 'EU-RO-1'] });
    const pod = fake.pods.get(status.id);
    expect(pod).toMatchObject({ gpu: { id: 'NVIDIA A100-SXM4-80GB', count: 2 }, cloud: 'COMMUNITY', disk: 80, mounts: { persistent: { size: 40, path: '/workspace' } } });
    expect(status.costPerHour).toBeCloseTo(2 * 1.39, 6);
  });

  it('tries the next RunPod id of an alias when the first has no capacity', async () => {
    await harness.close();
    const catalog = DEFAULT_GPU_CATALOG.map((gpu) => (gpu.id === 'NVIDIA A100-SXM4-80GB' ? { ...gpu, stock: 'NONE' as const } : gpu));
    harness = await startRunpodHarness({ fake: { gpuCatalog: catalog } });
    const status = await harness.provider.createResource('A100-80GB');
    expect(status.instanceType).toBe('NVIDIA A100 80GB PCIe');
    expect(callsTo(harness.fake, 'POST', '/v2/pods')).toBe(2);
  });

  it('reports CAPACITY when no candidate can be placed, QUOTA on 402', async () => {
    await harness.close();
    const catalog = DEFAULT_GPU_CATALOG.map((gpu) => ({ ...gpu, stock: 'NONE' as const }));
    harness = await startRunpodHarness({ fake: { gpuCatalog: catalog } });
    const capacity = await failureOf(harness.provider.createResource('H100-SXM'));
    expect(RunctlError.hasCode(capacity, 'CAPACITY') && capacity.hint).toContain('Try another GPU type');
    await harness.close();
    harness = await startRunpodHarness({ fake: { balance: 0.1 } });
    const quota = await failureOf(harness.provider.createResource('H100-SXM'));
    expect(RunctlError.hasCode(quota, 'QUOTA') && quota.statusCode).toBe(402);
    expect(harness.fake.pods.size).toBe(0);
  });

  it('validates options before any request, naming the field', async () => {
    const { provider, fake } = harness;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ gpuCount: 0 }, 'options.gpuCount'],
      [{ cloud: 'secure' }, 'options.cloud'],
      [{ ports: ['22'] }, 'options.ports[0]'],
      [{ env: { RUNCTL_NAME: 'x' } }, 'options.env.RUNCTL_NAME'],
      [{ env: { PUBLIC_KEY: 'x' } }, 'options.env.PUBLIC_KEY'],
      [{ spot: true }, 'options.bidPerGpu'],
      [{ bidPerGpu: 0.2 }, 'options.bidPerGpu'],
      [{ volume: 5 }, 'options.volume'],
      [{ bogus: 1 }, 'options'],
    ];
    for (const [options, field] of cases) {
      const error = await failureOf(provider.createResource('RTX4090', options));
      expect(InvalidInputError.isInstance(error) ? error.field : error, JSON.stringify(options)).toBe(field);
    }
    const model = await failureOf(provider.createResource('T4'));
    expect(InvalidInputError.isInstance(model) && model.field).toBe('instanceType');
    expect(fake.calls).toEqual([]);
  });

  it('generates one SSH key, registers it once, and never drops the user’s keys', async () => {
    const { provider, fake, dir } = harness;
    await provider.createResource('RTX4090');
    await provider.createResource('RTX4090');
    const keyPath = join(dir, 'keys', GENERATED_KEY_NAME);
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'keys'))).mode & 0o777).toBe(0o700);
    expect(fake.sshKeys).toHaveLength(2);
    expect(fake.sshKeys[0]).toBe(USER_KEY);
    expect(fake.sshKeys[1]).toMatch(/^ssh-ed25519 \S+ runctl-runpod$/);
    expect(callsTo(fake, 'PUT', '/v2/account/ssh-keys')).toBe(1);
    const pod = [...fake.pods.values()][0];
    expect(pod?.env['PUBLIC_KEY']).toContain(fake.sshKeys[1]);

    // Another process with the same key folder reuses the key and sees it registered: no PUT.
    await harness.withSettings({}).createResource('RTX4090');
    expect(callsTo(fake, 'GET', '/v2/account/ssh-keys')).toBe(2);
    expect(callsTo(fake, 'PUT', '/v2/account/ssh-keys')).toBe(1);
  });

  it('rents spot pods through GraphQL with the bid, and reads them back over REST', async () => {
    const { provider, fake } = harness;
    const status = await provider.createResource('RTX4090', { spot: true, bidPerGpu: 0.3, dataCenterIds: ['EU-RO-1'], name: 'cheap' });
    expect(status).toMatchObject({ spot: true, name: 'cheap', state: 'starting', instanceType: 'NVIDIA GeForce RTX 4090' });
    expect(fake.pods.get(status.id)).toMatchObject({ interruptible: true, bidPerGpu: 0.3, dataCenterId: 'EU-RO-1', ports: ['22/tcp'] });
    expect(callsTo(fake, 'POST', '/graphql')).toBe(1);
    expect(callsTo(fake, 'POST', '/v2/pods')).toBe(0);

    const low = await failureOf(provider.createResource('RTX4090', { spot: true, bidPerGpu: 0.01 }));
    expect(RunctlError.hasCode(low, 'CAPACITY') && low.message).toContain('minimum bid');
    expect(fake.pods.size).toBe(1);
  });
});

describe('runpod status and list (fake API)', () => {
  let harness: RunpodHarness;
  beforeEach(async () => {
    harness = await startRunpodHarness();
  });
  afterEach(() => harness.close());

  it('maps every status, keeps raw, and takes cost and publicIp from the pod', async () => {
    const { provider, fake } = harness;
    const { id } = await provider.createResource('RTX4090');
    const expectations = [
      ['RUNNING', 'running'],
      ['EXITED', 'stopped'],
      ['ERROR', 'error'],
      ['STARTING', 'starting'],
    ] as const;
    for (const [raw, state] of expectations) {
      fake.setStatus(id, raw);
      const status = await provider.getResourceStatus(id);
      expect(status.state).toBe(state);
      expect(status.raw).toBe(raw);
      expect(status.costPerHour).toBe(raw === 'EXITED' ? 0 : 0.44);
      expect(status.publicIp).toBe(raw === 'RUNNING' ? '203.0.113.10' : undefined);
      if (raw === 'ERROR') expect(status.message).toContain('containerLogs');
    }
    fake.deletePod(id);
    expect(RunctlError.hasCode(await failureOf(provider.getResourceStatus(id)), 'NOT_FOUND')).toBe(true);
  });

  it('serves any number of watched pods with one GET /v2/pods per poll', async () => {
    const { provider, fake } = harness;
    const ids: string[] = [];
    for (let index = 0; index < 100; index++) ids.push((await provider.createResource('RTX4090', { tags: { batch: 'b1' } })).id);
    const before = fake.calls.length;
    const watcher = new ResourceWatcher({ interval: 60_000 });
    const seen = new Set<string>();
    watcher.on('state', (status) => seen.add(status.id));
    for (const id of ids) watcher.watch(provider, id);
    await watcher.poll();
    watcher.stop();
    expect(seen.size).toBe(100);
    expect(fake.calls.slice(before).map((call) => `${call.method} ${call.path}`)).toEqual(['GET /v2/pods']);

    // Concurrent single-pod reads are batched too.
    const mark = fake.calls.length;
    const statuses = await Promise.all(ids.slice(0, 10).map((id) => provider.getResourceStatus(id)));
    expect(statuses.map((status) => status.id)).toEqual(ids.slice(0, 10));
    expect(fake.calls.slice(mark).map((call) => `${call.method} ${call.path}`)).toEqual(['GET /v2/pods']);
  });

  it('filters the list by ids, states, tags and managed marker', async () => {
    const { provider, fake } = harness;
    const a = await provider.createResource('RTX4090', { tags: { team: 'a' } });
    const b = await provider.createResource('RTX4090', { tags: { team: 'b' } });
    // A pod made outside runctl.
    const outside = await fetch(`${fake.url}/v2/pods`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'hand-made', image: 'x', gpu: { id: 'NVIDIA RTX A6000', count: 1 } }),
    }).then((response) => response.json() as Promise<{ id: string }>);
    fake.setStatus(b.id, 'RUNNING');
    const ids = async (filter: Parameters<typeof provider.listResources>[0]): Promise<string[]> => (await provider.listResources(filter)).map((status) => status.id).toSorted();
    expect(await ids({})).toEqual([a.id, b.id, outside.id].toSorted());
    expect(await ids({ managedOnly: true })).toEqual([a.id, b.id].toSorted());
    expect(await ids({ tags: { team: 'b' } })).toEqual([b.id]);
    expect(await ids({ states: ['running'] })).toEqual([b.id]);
    expect(await ids({ ids: [a.id, 'nope'] })).toEqual([a.id]);
    const handMade = (await provider.listResources({ ids: [outside.id] }))[0];
    expect(handMade).toMatchObject({ name: 'hand-made', tags: {}, instanceType: 'NVIDIA RTX A6000' });
  });

  it('terminates with DELETE, verifies, and treats an already-gone pod as done', async () => {
    const { provider, fake } = harness;
    const { id } = await provider.createResource('RTX4090');
    await provider.terminate(id);
    expect(fake.pods.has(id)).toBe(false);
    expect(RunctlError.hasCode(await failureOf(provider.getResourceStatus(id)), 'NOT_FOUND')).toBe(true);
    await expect(provider.terminate(id)).resolves.toBeUndefined();
    expect(callsTo(fake, 'DELETE', `/v2/pods/${id}`)).toBe(2);
  });
});
