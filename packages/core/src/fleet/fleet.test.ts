import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { RunctlError } from '../errors/runctl-error.ts';
import type { CostEstimate } from '../provider/cost-estimate.ts';
import type { TrainingProvider } from '../provider/training-provider.ts';
import { ProviderRegistry } from '../registry/provider-registry.ts';
import { createMockProvider } from '../testing/mock-provider.ts';
import { compareCosts } from './compare-costs.ts';
import { sweepOrphans } from './sweep.ts';

function priced(name: string, prices: Record<string, number>, spot?: Record<string, number>): TrainingProvider {
  return {
    ...createMockProvider({ name }),
    estimateCost: async (instanceType: string, hours: number): Promise<CostEstimate> => {
      const costPerHour = prices[instanceType];
      if (costPerHour === undefined) throw new RunctlError({ code: 'NOT_FOUND', message: `no price for ${instanceType}` });
      return { provider: name, instanceType, hours, costPerHour, total: costPerHour * hours, currency: 'USD', source: 'bundled', asOf: new Date(Date.now() - 60_000), ...(spot?.[instanceType] ? { spotCostPerHour: spot[instanceType] } : {}) };
    },
  };
}

describe('compareCosts', () => {
  const registry = new ProviderRegistry([
    priced('runpod', { 'NVIDIA A100-SXM4-80GB': 1.89, 'NVIDIA A100 80GB PCIe': 1.64 }),
    priced('aws', { 'p4de.24xlarge': 40.97 }, { 'p4de.24xlarge': 12.5 }),
    priced('lyceum', {}),
    createMockProvider({ name: 'local' }),
  ]);

  it('prices every offer for the GPU, cheapest first, with instances, source and age', async () => {
    const { gpu, rows, failures } = await compareCosts(registry, { gpu: 'a100-80gb', count: 2, hours: 10 });
    expect(gpu).toBe('A100-80GB');
    expect(rows.map((row) => [row.provider, row.instanceType, row.instances, row.gpus])).toEqual([
      ['runpod', 'NVIDIA A100 80GB PCIe', 2, 2],
      ['runpod', 'NVIDIA A100-SXM4-80GB', 2, 2],
      ['aws', 'p4de.24xlarge', 1, 8],
    ]);
    expect(rows[0]?.costPerHour).toBeCloseTo(3.28);
    expect(rows[0]?.total).toBeCloseTo(32.8);
    expect(rows[0]?.source).toBe('bundled');
    expect(rows[0]?.ageMs).toBeGreaterThanOrEqual(60_000);
    expect(failures.map((failure) => failure.provider)).toEqual(['lyceum']);
  });

  it('sorts by spot price when asked', async () => {
    const { rows } = await compareCosts(registry, { gpu: 'A100-80GB', count: 8, spot: true });
    expect(rows[0]).toMatchObject({ provider: 'aws', spotCostPerHour: 12.5 });
  });

  it('rejects unknown GPUs naming the field', async () => {
    const error = await compareCosts(registry, { gpu: 'TPU' }).catch((reason: unknown) => reason);
    expect(InvalidInputError.isInstance(error) && error.field).toBe('query.gpu');
  });
});

describe('sweepOrphans', () => {
  it('terminates only managed resources past expiry or too old, dry run by default', async () => {
    const provider = createMockProvider({ name: 'mock' });
    const expired = await provider.createResource('x', { name: 'expired', maxLifetime: 1 });
    const fresh = await provider.createResource('x', { name: 'fresh', maxLifetime: '1h' });
    const registry = new ProviderRegistry([provider]);
    const later = new Date(Date.now() + 10_000);

    const dry = await sweepOrphans(registry, { now: later });
    expect(dry.candidates.map((candidate) => candidate.resource.id)).toEqual([expired.id]);
    expect((await provider.getResourceStatus(expired.id)).state).toBe('running');

    const real = await sweepOrphans(registry, { now: later, dryRun: false });
    expect(real.candidates[0]).toMatchObject({ terminated: true });
    expect((await provider.getResourceStatus(expired.id)).state).toBe('terminated');
    expect((await provider.getResourceStatus(fresh.id)).state).toBe('running');

    const old = await sweepOrphans(registry, { now: new Date(Date.now() + 7_200_000), olderThanMs: 3_600_000 });
    expect(old.candidates.map((candidate) => candidate.resource.id)).toEqual([fresh.id]);
  });
});
