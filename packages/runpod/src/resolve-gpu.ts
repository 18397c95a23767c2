import { GPU_CATALOG, InvalidInputError, findGpu } from '@runctl/core';

const offersOf = (name: string): readonly string[] => (findGpu(name)?.offers['runpod'] ?? []).map((offer) => offer.id);

/**
 * The RunPod GPU ids to try, in order, for an instance type:
 * - an exact RunPod id (any case) is used alone;
 * - a normalized name or alias (`A100-80GB`, `H100-SXM`, `RTX4090`) gives
 *   every RunPod offer of that model (A100-80GB: SXM, then PCIe);
 * - anything else is passed through as a RunPod id, so new GPUs work
 *   before the catalog knows them.
 * A model RunPod does not offer (`T4`) is an `INVALID_INPUT` naming `instanceType`.
 */
export function resolveGpuIds(instanceType: string, provider: string): string[] {
  const wanted = instanceType.trim();
  if (wanted === '') throw new InvalidInputError({ field: 'instanceType', provider, message: 'Invalid instanceType: must not be empty.' });
  const model = findGpu(wanted);
  if (model === undefined) return [wanted];
  const ids = offersOf(model.name);
  const exact = ids.find((id) => id.toLowerCase() === wanted.toLowerCase());
  if (exact !== undefined) return [exact];
  if (ids.length === 0) {
    const offered = GPU_CATALOG.filter((gpu) => (gpu.offers['runpod']?.length ?? 0) > 0).map((gpu) => gpu.name);
    throw new InvalidInputError({
      field: 'instanceType',
      provider,
      message: `Invalid instanceType: RunPod does not offer ${model.name}. Models it has: ${offered.join(', ')} (or pass a RunPod GPU id).`,
    });
  }
  return [...ids];
}
