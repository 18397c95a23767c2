import type { CloudType } from './gpu-catalog.ts';

export type PodStatus = 'PROVISIONING' | 'STARTING' | 'RUNNING' | 'EXITED' | 'ERROR' | 'TERMINATED';

export interface PodMounts {
  readonly persistent?: { readonly size: number; readonly path: string };
  readonly network?: readonly { readonly volumeId: string; readonly path: string }[];
}

/**
 * Where a pod is in its life. Status is derived from timestamps on every read,
 * so the fake needs no timers.
 */
export type PodPhase =
  /** Walks PROVISIONING → STARTING → RUNNING as time passes. */
  | { readonly kind: 'booting'; readonly since: number; readonly provisioningMs: number; readonly startingMs: number }
  /** `stickInProvisioning`: never gets a machine. */
  | { readonly kind: 'stuck' }
  /** Held at one status (stop, `setStatus`); `since` dates RUNNING's uptime. */
  | { readonly kind: 'fixed'; readonly status: PodStatus; readonly since: number };

/** The fake's stored pod; `pod-view.ts` renders it as the spec's `Pod`. */
export interface PodRecord {
  readonly id: string;
  name: string;
  image: string;
  args: string;
  disk: number;
  ports: string[];
  env: Record<string, string>;
  registry: string | null;
  mounts: PodMounts;
  readonly gpu: { readonly id: string; readonly count: number } | null;
  readonly cpu: { readonly id: string; readonly vcpuCount: number; readonly memory: number } | null;
  readonly cloud: CloudType;
  readonly dataCenterId: string;
  readonly cudaVersion: string | null;
  locked: boolean;
  globalNetworking: boolean;
  /** USD/hr while the pod holds compute. */
  readonly hourlyCost: number;
  /** Spot pods come only from GraphQL `podRentInterruptable`. */
  readonly interruptible: boolean;
  readonly bidPerGpu: number | null;
  /** The opaque `<podId>-<hex>` token the SSH proxy routes on. */
  readonly proxyUsername: string;
  readonly createdAt: number;
  phase: PodPhase;
}
