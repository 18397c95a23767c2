import { InvalidInputError } from '@runctl/core';
import { describe, expect, it } from 'vitest';
import { resolveGpuIds } from './resolve-gpu.ts';

describe('resolveGpuIds', () => {
  it.each([
    ['A100-80GB', ['NVIDIA A100-SXM4-80GB', 'NVIDIA A100 80GB PCIe']],
    ['H100-SXM', ['NVIDIA H100 80GB HBM3']],
    ['h100', ['NVIDIA H100 80GB HBM3']],
    ['RTX4090', ['NVIDIA GeForce RTX 4090']],
    ['rtx-4090', ['NVIDIA GeForce RTX 4090']],
    ['NVIDIA A100 80GB PCIe', ['NVIDIA A100 80GB PCIe']],
    ['nvidia geforce rtx 4090', ['NVIDIA GeForce RTX 4090']],
    ['NVIDIA RTX A4500', ['NVIDIA RTX A4500']],
  ])('%s → %j', (input, ids) => {
    expect(resolveGpuIds(input, 'runpod')).toEqual(ids);
  });

  it('refuses models RunPod does not offer, naming instanceType', () => {
    const error = (() => {
      try {
        return resolveGpuIds('T4', 'runpod');
      } catch (caught) {
        return caught;
      }
    })();
    expect(InvalidInputError.isInstance(error) && error.field).toBe('instanceType');
    expect((error as Error).message).toContain('RTX4090');
  });
});
