import {
  compareCudaVersions,
  maxCountOn,
  offeredOn,
  priceOn,
  type CloudType,
  type FakeGpuType,
} from './gpu-catalog.ts';

export interface PlacementRequest {
  readonly gpuId: string;
  readonly gpuCount: number;
  /** `ALL` (GraphQL only) takes secure capacity first. */
  readonly cloud: CloudType | 'ALL';
  /** Empty lets the scheduler choose. */
  readonly dataCenterIds: readonly string[];
  readonly allowedCudaVersions: readonly string[];
  readonly minCudaVersion?: string;
  /** Spot bid per GPU; the hourly cost becomes bid × count. */
  readonly bidPerGpu?: number;
}

export interface Placement {
  readonly gpu: FakeGpuType;
  readonly cloud: CloudType;
  readonly dataCenterId: string;
  readonly cudaVersion: string;
  readonly hourlyCost: number;
}

export type PlacementFailure =
  | { readonly reason: 'unknown-gpu' }
  | { readonly reason: 'too-many-gpus'; readonly maxCount: number }
  | { readonly reason: 'no-capacity' }
  | { readonly reason: 'bid-too-low'; readonly minimumBid: number }
  | { readonly reason: 'insufficient-balance'; readonly hourlyCost: number };

/** Decides where a GPU pod lands, or why it cannot; REST and GraphQL word the failures differently. */
export function placeGpuPod(
  catalog: readonly FakeGpuType[],
  balance: number,
  request: PlacementRequest,
): { readonly ok: true; readonly placement: Placement } | { readonly ok: false; readonly failure: PlacementFailure } {
  const gpu = catalog.find((candidate) => candidate.id === request.gpuId);
  if (!gpu) return { ok: false, failure: { reason: 'unknown-gpu' } };

  const clouds: CloudType[] = request.cloud === 'ALL' ? ['SECURE', 'COMMUNITY'] : [request.cloud];
  const cloud = clouds.find((c) => offeredOn(gpu, c) && gpu.stock !== 'NONE');
  if (!cloud) return { ok: false, failure: { reason: 'no-capacity' } };
  if (request.gpuCount > maxCountOn(gpu, cloud)) {
    return { ok: false, failure: { reason: 'too-many-gpus', maxCount: maxCountOn(gpu, cloud) } };
  }

  const dataCenterId = gpu.dataCenterIds.find(
    (id) => request.dataCenterIds.length === 0 || request.dataCenterIds.includes(id),
  );
  const cudaVersion = gpu.cudaVersions
    .filter((v) => request.allowedCudaVersions.length === 0 || request.allowedCudaVersions.includes(v))
    .filter((v) => request.minCudaVersion === undefined || compareCudaVersions(v, request.minCudaVersion) >= 0)
    .toSorted(compareCudaVersions)
    .at(-1);
  if (dataCenterId === undefined || cudaVersion === undefined) return { ok: false, failure: { reason: 'no-capacity' } };

  if (request.bidPerGpu !== undefined) {
    const minimumBid = cloud === 'SECURE' ? gpu.minimumBid.secure : gpu.minimumBid.community;
    if (request.bidPerGpu < minimumBid) return { ok: false, failure: { reason: 'bid-too-low', minimumBid } };
  }
  const hourlyCost = roundCents((request.bidPerGpu ?? priceOn(gpu, cloud)) * request.gpuCount);
  if (hourlyCost > balance) return { ok: false, failure: { reason: 'insufficient-balance', hourlyCost } };

  return { ok: true, placement: { gpu, cloud, dataCenterId, cudaVersion, hourlyCost } };
}

/** Avoids float noise such as 0.44 × 3 = 1.3199999999999998. */
export function roundCents(value: number): number {
  return Math.round(value * 1000) / 1000;
}
