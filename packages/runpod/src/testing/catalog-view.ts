import {
  compareCudaVersions,
  FAKE_DATA_CENTERS,
  maxCountOn,
  offeredOn,
  type AvailabilityLevel,
  type CloudType,
  type FakeGpuType,
} from './gpu-catalog.ts';

/** The filters that shape `include=AVAILABILITY` answers. */
export interface AvailabilityQuery {
  readonly count: number;
  readonly cloud: CloudType;
  readonly countryCodes?: readonly string[];
  readonly cudaVersions?: readonly string[];
  readonly minCudaVersion?: string;
}

export interface GpuTypeView {
  readonly id: string;
  readonly name: string;
  readonly pool: string | null;
  readonly manufacturer: string;
  readonly memory: number;
  readonly secure: boolean;
  readonly community: boolean;
  readonly price: { readonly secure: number; readonly community: number; readonly serverless?: number };
  readonly maxCount: { readonly secure: number; readonly community: number };
  readonly availability?: AvailabilityLevel;
  readonly dataCenters?: readonly { readonly id: string; readonly name: string; readonly availability: AvailabilityLevel }[];
  readonly cudaVersions?: readonly { readonly version: string; readonly available: boolean }[];
}

/** Renders the spec's `GpuType`; availability fields appear only when requested. */
export function renderGpuType(gpu: FakeGpuType, availability: AvailabilityQuery | undefined): GpuTypeView {
  const base: GpuTypeView = {
    id: gpu.id,
    name: gpu.name,
    pool: gpu.pool,
    manufacturer: gpu.manufacturer,
    memory: gpu.memory,
    secure: gpu.secure,
    community: gpu.community,
    price: { ...gpu.price },
    maxCount: { ...gpu.maxCount },
  };
  if (!availability) return base;
  const dataCenters = dataCentersIn(gpu, availability.countryCodes);
  const cudaVersions = gpu.cudaVersions.filter(
    (v) =>
      (availability.cudaVersions === undefined || availability.cudaVersions.includes(v)) &&
      (availability.minCudaVersion === undefined || compareCudaVersions(v, availability.minCudaVersion) >= 0),
  );
  const placeable =
    offeredOn(gpu, availability.cloud) &&
    availability.count <= maxCountOn(gpu, availability.cloud) &&
    dataCenters.length > 0 &&
    cudaVersions.length > 0;
  const level: AvailabilityLevel = placeable ? gpu.stock : 'NONE';
  return {
    ...base,
    availability: level,
    // Omitted entirely when the configuration is unavailable everywhere (spec).
    ...(level === 'NONE' ? {} : { dataCenters: dataCenters.map((dc) => ({ id: dc.id, name: dc.name, availability: level })) }),
    ...(cudaVersions.length === 0
      ? {}
      : { cudaVersions: cudaVersions.toSorted(compareCudaVersions).map((version) => ({ version, available: level !== 'NONE' })) }),
  };
}

/** With countryCodes, the list endpoint drops GPU types with no data center in those countries. */
export function hasDataCenterIn(gpu: FakeGpuType, countryCodes: readonly string[] | undefined): boolean {
  return dataCentersIn(gpu, countryCodes).length > 0;
}

function dataCentersIn(gpu: FakeGpuType, countryCodes: readonly string[] | undefined) {
  return FAKE_DATA_CENTERS.filter(
    (dc) => gpu.dataCenterIds.includes(dc.id) && (countryCodes === undefined || countryCodes.includes(dc.countryCode)),
  );
}
