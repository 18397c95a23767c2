import { InvalidInputError } from '@runctl/core';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLED_PRICES_AS_OF } from './bundled-gpu-prices.ts';
import { createRunpod } from './runpod-provider.ts';
import { callsTo, failureOf, startRunpodHarness, type RunpodHarness } from './test-fixtures/runpod-harness.ts';

describe('runpod prices', () => {
  let harness: RunpodHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('lists GPU types with price and stock from the live catalog, cached until the TTL', async () => {
    harness = await startRunpodHarness({ settings: { priceTtl: 300 } });
    const { provider, fake } = harness;
    const types = await provider.listGpuTypes();
    const rtx = types.find((type) => type.id === 'NVIDIA GeForce RTX 4090');
    expect(rtx).toMatchObject({ displayName: 'RTX 4090', model: 'RTX4090', memoryGb: 24, pricePerGpuHour: { secure: 0.44, community: 0.31 }, availability: 'HIGH', source: 'live' });
    expect(Date.now() - (rtx?.asOf.getTime() ?? 0)).toBeLessThan(5_000);
    expect(types.find((type) => type.id === 'NVIDIA L4')?.pricePerGpuHour).toEqual({ secure: 0.43 });

    await provider.listGpuTypes();
    await provider.estimateCost('RTX4090', 1);
    expect(callsTo(fake, 'GET', '/v2/catalog/gpus')).toBe(1);
    await provider.listGpuTypes({ refresh: true });
    expect(callsTo(fake, 'GET', '/v2/catalog/gpus')).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 350));
    await provider.listGpuTypes();
    expect(callsTo(fake, 'GET', '/v2/catalog/gpus')).toBe(3);
    const community = await provider.listGpuTypes({ cloud: 'COMMUNITY', gpuCount: 8 });
    expect(community.find((type) => type.id === 'NVIDIA GeForce RTX 4090')?.availability).toBe('NONE');
    expect(fake.calls.at(-1)?.query).toEqual({ include: 'AVAILABILITY', product: 'POD', cloud: 'COMMUNITY', count: '8' });
  });

  it('estimates cost by alias, count and cloud, saying where the price came from and how old it is', async () => {
    harness = await startRunpodHarness();
    const { provider } = harness;
    const estimate = await provider.estimateCost('A100-80GB', 3, { gpuCount: 2, cloud: 'COMMUNITY' });
    expect(estimate).toMatchObject({ provider: 'runpod', instanceType: 'A100-80GB', gpuId: 'NVIDIA A100-SXM4-80GB', gpuCount: 2, cloud: 'COMMUNITY', hours: 3, currency: 'USD', source: 'live' });
    expect(estimate.costPerHour).toBeCloseTo(2.78, 6);
    expect(estimate.total).toBeCloseTo(8.34, 6);
    expect(estimate.ageMs).toBeLessThan(5_000);
    const notOffered = await failureOf(provider.estimateCost('L4', 1, { cloud: 'COMMUNITY' }));
    expect(InvalidInputError.isInstance(notOffered) && notOffered.field).toBe('options.cloud');
    const unknown = await failureOf(provider.estimateCost('NVIDIA Imaginary 9000', 1));
    expect(InvalidInputError.isInstance(unknown) && unknown.field).toBe('instanceType');
    expect(InvalidInputError.isInstance(await failureOf(provider.estimateCost('RTX4090', -1)))).toBe(true);
  });

  it('falls back to the bundled table when the catalog is down, and says so', async () => {
    harness = await startRunpodHarness({ settings: { retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 5 } } });
    const { provider, fake } = harness;
    fake.failNext({ method: 'GET', path: '/v2/catalog/gpus' }, { status: 503 }, 2);
    const estimate = await provider.estimateCost('H100-SXM', 1);
    expect(estimate).toMatchObject({ source: 'bundled', gpuId: 'NVIDIA H100 80GB HBM3', asOf: BUNDLED_PRICES_AS_OF });
    expect(estimate.ageMs).toBeGreaterThan(0);
    expect((await provider.listGpuTypes()).every((type) => type.source === 'live')).toBe(true);
    // Once a live answer exists, an outage serves it (stale, with its own asOf) rather than the table.
    fake.failNext({ method: 'GET', path: '/v2/catalog/gpus' }, { status: 503 }, 2);
    expect((await provider.listGpuTypes({ refresh: true })).every((type) => type.source === 'live')).toBe(true);
  });

  it('estimates without any API key, from the bundled table', async () => {
    const saved = process.env['RUNPOD_API_KEY'];
    delete process.env['RUNPOD_API_KEY'];
    try {
      const estimate = await createRunpod({ baseURL: 'http://127.0.0.1:9/v2' }).estimateCost('RTX4090', 10);
      expect(estimate).toMatchObject({ source: 'bundled', cloud: 'SECURE', gpuId: 'NVIDIA GeForce RTX 4090' });
      expect(estimate.total).toBeCloseTo(estimate.costPerHour * 10, 6);
    } finally {
      if (saved !== undefined) process.env['RUNPOD_API_KEY'] = saved;
    }
  });
});
