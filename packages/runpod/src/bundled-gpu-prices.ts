/** One row of the bundled price table: on-demand list price per GPU-hour in USD; absent = not offered there. */
export interface BundledGpuPrice {
  id: string;
  displayName: string;
  memoryGb: number;
  secure?: number;
  community?: number;
}

/**
 * When {@link BUNDLED_GPU_PRICES} was compiled. Estimates from it report
 * `source: 'bundled'` and this date, so callers can judge their age.
 */
export const BUNDLED_PRICES_AS_OF = new Date('2026-11-01T00:00:00Z');

/**
 * Fallback prices for when `/v2/catalog/gpus` cannot be reached (no key,
 * outage, rate limit). Approximate on-demand list prices from RunPod's
 * public pricing page; the live catalog always wins. Refresh before a release.
 */
export const BUNDLED_GPU_PRICES: readonly BundledGpuPrice[] = [
  { id: 'NVIDIA GeForce RTX 3090', displayName: 'RTX 3090', memoryGb: 24, secure: 0.46, community: 0.22 },
  { id: 'NVIDIA GeForce RTX 4090', displayName: 'RTX 4090', memoryGb: 24, secure: 0.69, community: 0.34 },
  { id: 'NVIDIA GeForce RTX 5090', displayName: 'RTX 5090', memoryGb: 32, secure: 0.94, community: 0.69 },
  { id: 'NVIDIA RTX A4000', displayName: 'RTX A4000', memoryGb: 16, secure: 0.25, community: 0.17 },
  { id: 'NVIDIA RTX A5000', displayName: 'RTX A5000', memoryGb: 24, secure: 0.27, community: 0.16 },
  { id: 'NVIDIA RTX A6000', displayName: 'RTX A6000', memoryGb: 48, secure: 0.49, community: 0.33 },
  { id: 'NVIDIA RTX 6000 Ada Generation', displayName: 'RTX 6000 Ada', memoryGb: 48, secure: 0.77, community: 0.74 },
  { id: 'NVIDIA L4', displayName: 'L4', memoryGb: 24, secure: 0.43 },
  { id: 'NVIDIA L40', displayName: 'L40', memoryGb: 48, secure: 0.99 },
  { id: 'NVIDIA L40S', displayName: 'L40S', memoryGb: 48, secure: 0.86, community: 0.79 },
  { id: 'NVIDIA A40', displayName: 'A40', memoryGb: 48, secure: 0.4 },
  { id: 'NVIDIA A100 80GB PCIe', displayName: 'A100 PCIe', memoryGb: 80, secure: 1.64, community: 1.19 },
  { id: 'NVIDIA A100-SXM4-80GB', displayName: 'A100 SXM', memoryGb: 80, secure: 1.89, community: 1.39 },
  { id: 'NVIDIA H100 PCIe', displayName: 'H100 PCIe', memoryGb: 80, secure: 2.39, community: 1.99 },
  { id: 'NVIDIA H100 80GB HBM3', displayName: 'H100 SXM', memoryGb: 80, secure: 2.69, community: 2.69 },
  { id: 'NVIDIA H100 NVL', displayName: 'H100 NVL', memoryGb: 94, secure: 2.79, community: 2.59 },
  { id: 'NVIDIA H200', displayName: 'H200 SXM', memoryGb: 141, secure: 3.99 },
  { id: 'NVIDIA B200', displayName: 'B200', memoryGb: 180, secure: 5.99 },
  { id: 'AMD Instinct MI300X OAM', displayName: 'MI300X', memoryGb: 192, secure: 2.49 },
];
