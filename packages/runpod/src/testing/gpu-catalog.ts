export type AvailabilityLevel = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';
export type CloudType = 'SECURE' | 'COMMUNITY';

/** A GPU type the fake can place, with the fake-only knobs that drive capacity answers. */
export interface FakeGpuType {
  readonly id: string;
  readonly name: string;
  readonly pool: string | null;
  readonly manufacturer: 'NVIDIA' | 'AMD' | 'UNKNOWN';
  /** VRAM in GB. */
  readonly memory: number;
  /** Whether each cloud offers this type at all. */
  readonly secure: boolean;
  readonly community: boolean;
  /** On-demand USD/hr per GPU. */
  readonly price: { readonly secure: number; readonly community: number; readonly serverless?: number };
  /** Minimum spot bid per GPU for GraphQL `podRentInterruptable`; REST v2 does not expose it. */
  readonly minimumBid: { readonly secure: number; readonly community: number };
  readonly maxCount: { readonly secure: number; readonly community: number };
  /** Current pod stock; `NONE` makes creates fail with the capacity 400. */
  readonly stock: AvailabilityLevel;
  readonly dataCenterIds: readonly string[];
  /** CUDA versions its hosts report, as `major.minor`. */
  readonly cudaVersions: readonly string[];
}

export interface FakeDataCenter {
  readonly id: string;
  readonly name: string;
  readonly countryCode: string;
}

export const FAKE_DATA_CENTERS: readonly FakeDataCenter[] = [
  { id: 'US-KS-2', name: 'US Kansas 2', countryCode: 'US' },
  { id: 'US-TX-3', name: 'US Texas 3', countryCode: 'US' },
  { id: 'CA-MTL-1', name: 'CA Montreal 1', countryCode: 'CA' },
  { id: 'EU-RO-1', name: 'EU Romania 1', countryCode: 'RO' },
  { id: 'EU-SE-1', name: 'EU Sweden 1', countryCode: 'SE' },
];

const CUDA = ['12.4', '12.6', '12.8'] as const;

/**
 * Ids are the real RunPod ids (fact sheet §5). Prices are illustrative: the
 * RTX 4090 figures are the spec's example, the rest are plausible, not quoted.
 */
export const DEFAULT_GPU_CATALOG: readonly FakeGpuType[] = [
  {
    id: 'NVIDIA GeForce RTX 4090',
    name: 'RTX 4090',
    pool: 'ADA_24',
    manufacturer: 'NVIDIA',
    memory: 24,
    secure: true,
    community: true,
    price: { secure: 0.44, community: 0.31, serverless: 1.1 },
    minimumBid: { secure: 0.29, community: 0.2 },
    maxCount: { secure: 8, community: 4 },
    stock: 'HIGH',
    dataCenterIds: ['US-KS-2', 'EU-RO-1'],
    cudaVersions: CUDA,
  },
  {
    id: 'NVIDIA RTX A6000',
    name: 'RTX A6000',
    pool: 'AMPERE_48',
    manufacturer: 'NVIDIA',
    memory: 48,
    secure: true,
    community: true,
    price: { secure: 0.49, community: 0.33 },
    minimumBid: { secure: 0.25, community: 0.17 },
    maxCount: { secure: 8, community: 8 },
    stock: 'HIGH',
    dataCenterIds: ['CA-MTL-1', 'EU-SE-1'],
    cudaVersions: CUDA,
  },
  {
    id: 'NVIDIA L4',
    name: 'L4',
    pool: 'ADA_24',
    manufacturer: 'NVIDIA',
    memory: 24,
    secure: true,
    community: false,
    price: { secure: 0.43, community: 0 },
    minimumBid: { secure: 0.22, community: 0 },
    maxCount: { secure: 8, community: 0 },
    stock: 'MEDIUM',
    dataCenterIds: ['EU-RO-1'],
    cudaVersions: CUDA,
  },
  {
    id: 'NVIDIA A100 80GB PCIe',
    name: 'A100 PCIe',
    pool: 'AMPERE_80',
    manufacturer: 'NVIDIA',
    memory: 80,
    secure: true,
    community: true,
    price: { secure: 1.64, community: 1.19 },
    minimumBid: { secure: 0.82, community: 0.6 },
    maxCount: { secure: 8, community: 4 },
    stock: 'MEDIUM',
    dataCenterIds: ['US-KS-2', 'CA-MTL-1'],
    cudaVersions: CUDA,
  },
  {
    id: 'NVIDIA A100-SXM4-80GB',
    name: 'A100 SXM',
    pool: 'AMPERE_80',
    manufacturer: 'NVIDIA',
    memory: 80,
    secure: true,
    community: true,
    price: { secure: 1.74, community: 1.39 },
    minimumBid: { secure: 0.87, community: 0.7 },
    maxCount: { secure: 8, community: 8 },
    stock: 'MEDIUM',
    dataCenterIds: ['EU-RO-1', 'US-TX-3'],
    cudaVersions: CUDA,
  },
  {
    id: 'NVIDIA H100 80GB HBM3',
    name: 'H100 SXM',
    pool: 'ADA_80_PRO',
    manufacturer: 'NVIDIA',
    memory: 80,
    secure: true,
    community: true,
    price: { secure: 2.99, community: 2.69 },
    minimumBid: { secure: 1.75, community: 1.5 },
    maxCount: { secure: 8, community: 8 },
    stock: 'HIGH',
    dataCenterIds: ['US-TX-3', 'EU-SE-1'],
    cudaVersions: CUDA,
  },
  {
    id: 'NVIDIA H100 PCIe',
    name: 'H100 PCIe',
    pool: 'ADA_80_PRO',
    manufacturer: 'NVIDIA',
    memory: 80,
    secure: true,
    community: true,
    price: { secure: 2.39, community: 1.99 },
    minimumBid: { secure: 1.25, community: 1.1 },
    maxCount: { secure: 8, community: 4 },
    stock: 'LOW',
    dataCenterIds: ['US-KS-2'],
    cudaVersions: CUDA,
  },
];

export function offeredOn(gpu: FakeGpuType, cloud: CloudType): boolean {
  return cloud === 'SECURE' ? gpu.secure : gpu.community;
}

export function priceOn(gpu: FakeGpuType, cloud: CloudType): number {
  return cloud === 'SECURE' ? gpu.price.secure : gpu.price.community;
}

export function maxCountOn(gpu: FakeGpuType, cloud: CloudType): number {
  return cloud === 'SECURE' ? gpu.maxCount.secure : gpu.maxCount.community;
}

/** Compares `major.minor` numerically (12.11 > 12.2). */
export function compareCudaVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}
