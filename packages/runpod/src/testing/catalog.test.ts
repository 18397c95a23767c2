import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRunpod, type FakeRunpod } from './fake-runpod.ts';
import { validateComponent } from './spec-validator.ts';
import { call } from './test-client.ts';

describe('/v2/catalog/gpus', () => {
  let fake: FakeRunpod;
  beforeAll(async () => {
    fake = await startFakeRunpod();
  });
  afterAll(() => fake.close());

  it('lists GPU types in the spec shape, without availability unless asked', async () => {
    const { status, body } = await call(fake, 'GET', '/v2/catalog/gpus');
    expect(status).toBe(200);
    expect(validateComponent('ListGpuTypesResponse', body)).toEqual([]);
    expect(body.gpus.map((g: { id: string }) => g.id)).toContain('NVIDIA H100 80GB HBM3');
    expect(body.gpus[0]).toMatchObject({ id: 'NVIDIA GeForce RTX 4090', price: { secure: 0.44, community: 0.31 } });
    expect(body.gpus[0].availability).toBeUndefined();
  });

  it('adds availability, data centers and CUDA versions with include=AVAILABILITY&product=POD', async () => {
    const { body } = await call(fake, 'GET', '/v2/catalog/gpus?include=AVAILABILITY&product=POD&cloud=COMMUNITY');
    expect(validateComponent('ListGpuTypesResponse', body)).toEqual([]);
    const l4 = body.gpus.find((g: { id: string }) => g.id === 'NVIDIA L4');
    expect(l4).toMatchObject({ availability: 'NONE', cudaVersions: [{ available: false }, { available: false }, { available: false }] });
    expect(l4.dataCenters).toBeUndefined();
    expect(body.gpus[0]).toMatchObject({ availability: 'HIGH', dataCenters: [{ id: 'US-KS-2', availability: 'HIGH' }, { id: 'EU-RO-1' }] });
  });

  it('narrows by country and CUDA version', async () => {
    const { body } = await call(fake, 'GET', '/v2/catalog/gpus?include=AVAILABILITY&product=POD&countryCodes=SE&cudaVersions=12.6');
    expect(body.gpus.map((g: { id: string }) => g.id)).toEqual(['NVIDIA RTX A6000', 'NVIDIA H100 80GB HBM3']);
    expect(body.gpus[0].cudaVersions).toEqual([{ version: '12.6', available: true }]);
  });

  it('applies the cross-parameter rules (400) and the per-value schemas (422)', async () => {
    expect((await call(fake, 'GET', '/v2/catalog/gpus?product=POD')).status).toBe(400);
    expect((await call(fake, 'GET', '/v2/catalog/gpus?include=AVAILABILITY')).status).toBe(400);
    expect((await call(fake, 'GET', '/v2/catalog/gpus?include=AVAILABILITY&product=POD&cudaVersions=12.8&minCudaVersion=12')).status).toBe(400);
    const bad = await call(fake, 'GET', '/v2/catalog/gpus?include=PRICES');
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatch(/^query\.include\[0\]: must be equal to one of the allowed values/);
    expect((await call(fake, 'GET', '/v2/catalog/gpus?include=AVAILABILITY&product=POD&countryCodes=fr')).status).toBe(422);
  });

  it('serves one GPU type by its URL-encoded id, 404 for unknown ids', async () => {
    const one = await call(fake, 'GET', `/v2/catalog/gpus/${encodeURIComponent('NVIDIA A100-SXM4-80GB')}`);
    expect(validateComponent('GpuType', one.body)).toEqual([]);
    expect(one.body).toMatchObject({ id: 'NVIDIA A100-SXM4-80GB', name: 'A100 SXM', memory: 80 });
    expect((await call(fake, 'GET', '/v2/catalog/gpus/NVIDIA%20B300')).status).toBe(404);
  });
});
