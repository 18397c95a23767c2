import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRunpod, type FakeRunpod } from './fake-runpod.ts';
import { DEFAULT_GPU_CATALOG } from './gpu-catalog.ts';
import { NO_INSTANCES_AVAILABLE } from './problem.ts';
import { validateComponent } from './spec-validator.ts';
import { call, GPU_POD } from './test-client.ts';

describe('POST /v2/pods rejects what the real API rejects', () => {
  let fake: FakeRunpod;
  beforeAll(async () => {
    fake = await startFakeRunpod({ balance: 5 });
  });
  afterAll(() => fake.close());

  const create = (body: unknown) => call(fake, 'POST', '/v2/pods', { body });

  it('answers 422 problem+json for a property the schema does not define (e.g. tags)', async () => {
    const response = await create({ ...GPU_POD, tags: { owner: 'runctl' } });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body).toEqual({
      title: 'Unprocessable Entity',
      status: 422,
      detail: 'Request validation failed.',
      errors: ["$: additional properties 'tags' not allowed"],
    });
  });

  it('answers 422 for missing name, missing image, and nested violations', async () => {
    const { name: _name, ...withoutName } = GPU_POD;
    expect((await create(withoutName)).body.errors).toEqual(["$: missing property 'name'"]);
    const { image: _image, ...withoutImage } = GPU_POD;
    expect((await create(withoutImage)).body.errors).toEqual(["$: missing property 'image'"]);
    const nested = await create({ ...GPU_POD, gpu: { id: 'NVIDIA L4', count: 0, vram: 24 }, cloud: 'PRIVATE' });
    expect(nested.status).toBe(422);
    expect(nested.body.errors).toEqual(
      expect.arrayContaining(['$.gpu.count: must be >= 1', "$.gpu: additional properties 'vram' not allowed"]),
    );
    expect(nested.body.errors.some((e: string) => e.startsWith('$.cloud:'))).toBe(true);
  });

  it('accepts a template in place of image, but the fake knows no templates (404)', async () => {
    const { image: _image, ...withoutImage } = GPU_POD;
    expect((await create({ ...withoutImage, templateId: 'tmpl123' })).status).toBe(404);
  });

  it('fails with the misleading capacity 400 when gpu.count is omitted (live behaviour)', async () => {
    const response = await create({ ...GPU_POD, gpu: { id: 'NVIDIA GeForce RTX 4090' } });
    expect(response.status).toBe(400);
    expect(response.body.detail).toBe(NO_INSTANCES_AVAILABLE);
  });

  it('answers 400 for handler-layer rules', async () => {
    expect((await create({ ...GPU_POD, gpu: { id: 'NVIDIA B300', count: 1 } })).body).toMatchObject({
      status: 400,
      detail: "unknown GPU type 'NVIDIA B300'",
    });
    expect((await create({ ...GPU_POD, cpu: { id: 'cpu5c', vcpuCount: 4 } })).status).toBe(400);
    expect((await create({ ...GPU_POD, gpu: { id: 'NVIDIA L4', count: 1 }, cloud: 'COMMUNITY' })).body.detail).toBe(
      NO_INSTANCES_AVAILABLE,
    );
    expect((await create({ ...GPU_POD, gpu: { id: 'NVIDIA GeForce RTX 4090', count: 9 } })).status).toBe(400);
    expect((await create({ ...GPU_POD, ports: ['22'] })).status).toBe(400);
    expect((await create({ ...GPU_POD, dataCenterIds: ['EU-SE-1'] })).body.detail).toBe(NO_INSTANCES_AVAILABLE);
    expect(
      (await create({ ...GPU_POD, gpu: { ...GPU_POD.gpu, allowedCudaVersions: ['12.8'], minCudaVersion: '12.4' } })).status,
    ).toBe(400);
    expect((await create({ ...GPU_POD, mounts: { persistent: { size: 20, path: '/w' }, network: [{ volumeId: 'v', path: '/n' }] } })).status).toBe(400);
  });

  it('answers 402 when the balance cannot cover an hour', async () => {
    const response = await create({ ...GPU_POD, gpu: { id: 'NVIDIA H100 80GB HBM3', count: 2 } });
    expect(response.body).toMatchObject({ title: 'Payment Required', status: 402 });
  });

  it('answers 400 when a GPU type is out of stock', async () => {
    const soldOut = await startFakeRunpod({ gpuCatalog: DEFAULT_GPU_CATALOG.map((gpu) => ({ ...gpu, stock: 'NONE' as const })) });
    try {
      const response = await call(soldOut, 'POST', '/v2/pods', { body: GPU_POD });
      expect(response.body).toMatchObject({ status: 400, detail: NO_INSTANCES_AVAILABLE });
    } finally {
      await soldOut.close();
    }
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await call(fake, 'POST', '/v2/pods', { rawBody: '{"name":' });
    expect(response.body).toMatchObject({ status: 400, detail: 'request body is not valid JSON' });
  });

  it('creates CPU pods', async () => {
    const response = await create({ name: 'cpu', image: 'ubuntu', cpu: { id: 'cpu5c', vcpuCount: 4 } });
    expect(response.status).toBe(201);
    expect(validateComponent('Pod', response.body)).toEqual([]);
    expect(response.body).toMatchObject({ cpu: { id: 'cpu5c', vcpuCount: 4, memory: 8 }, cudaVersion: null });
    expect(response.body.gpu).toBeUndefined();
    expect((await create({ name: 'cpu', image: 'ubuntu', cpu: { id: 'cpu5c', vcpuCount: 6 } })).status).toBe(400);
  });

  it('creates nothing on any rejection', () => {
    const created = fake.calls.filter((c) => c.method === 'POST' && c.status === 201);
    expect(fake.pods.size).toBe(created.length);
  });
});
