import { describe, expect, it } from 'vitest';
import { findGpu, GPU_CATALOG } from './gpu-catalog.ts';

describe('GPU catalog', () => {
  it.each([
    ['A100-80GB', 'A100-80GB'], ['a100 80gb', 'A100-80GB'], ['H100-SXM', 'H100-SXM'], ['h100', 'H100-SXM'],
    ['NVIDIA H100 80GB HBM3', 'H100-SXM'], ['RTX4090', 'RTX4090'], ['rtx_a6000', 'RTX-A6000'], ['g5.xlarge', 'A10G'], ['l40s', 'L40S'],
  ])('finds %j as %s', (query, name) => {
    expect(findGpu(query)?.name).toBe(name);
  });

  it('returns undefined for unknown names', () => {
    expect(findGpu('TPU-v5')).toBeUndefined();
  });

  it('has unique names, aliases and provider ids', () => {
    const keys = GPU_CATALOG.flatMap((gpu) => [gpu.name, ...gpu.aliases, ...Object.entries(gpu.offers).flatMap(([provider, offers]) => offers.map((offer) => `${provider}:${offer.id}`))]);
    expect(new Set(keys.map((key) => key.toLowerCase())).size).toBe(keys.length);
    for (const gpu of GPU_CATALOG) for (const offers of Object.values(gpu.offers)) for (const offer of offers) expect(offer.count).toBeGreaterThan(0);
  });
});
