// The parts of RunPod's REST v2 shapes (spec "Frontdoor v2.9.0") that runctl reads or sends.

/** `PodStatus`. */
export type RunpodPodStatus = 'PROVISIONING' | 'STARTING' | 'RUNNING' | 'EXITED' | 'ERROR' | 'TERMINATED';

/** `Cloud`. */
export type RunpodCloud = 'SECURE' | 'COMMUNITY';

/** `PodSshEndpoint`. */
export interface RunpodSshEndpoint {
  host: string;
  port: number;
  username: string;
  command?: string;
}

/** `Pod`, trimmed to what runctl uses. Unknown statuses are kept as strings. */
export interface RunpodPod {
  id: string;
  name: string;
  image?: string;
  status: RunpodPodStatus | (string & {});
  env?: Record<string, string> | null;
  ports?: string[];
  gpu?: { id: string; count?: number } | null;
  cpu?: { id: string; vcpuCount?: number } | null;
  cloud?: RunpodCloud | null;
  dataCenterId?: string | null;
  ssh?: { proxy?: RunpodSshEndpoint | null; direct?: RunpodSshEndpoint | null } | null;
  cost?: number | null;
  createdAt?: string | null;
  startedAt?: string | null;
}

/** `ListPodsResponse`. */
export interface RunpodPodList {
  pods: RunpodPod[];
}

/** `Mounts`. */
export type RunpodMounts = { persistent: { size: number; path: string } } | { network: [{ volumeId: string; path: string }] };

/** `CreatePodRequest`, as runctl sends it (always `gpu.count`, always `22/tcp`). */
export interface RunpodCreatePodBody {
  name: string;
  image: string;
  gpu: { id: string; count: number };
  cloud: RunpodCloud;
  disk: number;
  env: Record<string, string>;
  ports: string[];
  startSsh: true;
  dataCenterIds?: string[];
  mounts?: RunpodMounts;
}

/** `AvailabilityLevel`. */
export type RunpodAvailability = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';

/** `GpuType`. */
export interface RunpodCatalogGpu {
  id: string;
  name: string;
  manufacturer?: string;
  memory?: number;
  secure?: boolean;
  community?: boolean;
  price: { secure: number; community: number };
  maxCount?: { secure: number; community: number };
  availability?: RunpodAvailability;
}

/** `ListGpuTypesResponse`. */
export interface RunpodCatalogGpuList {
  gpus: RunpodCatalogGpu[];
}
