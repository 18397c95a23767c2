import type { ResourceState } from './resource-state.ts';

/** A resource id: a plain string, valid in any process that has the same provider settings. */
export type ResourceId = string;

/** A snapshot of one resource (a machine, pod, VM or workspace). */
export interface ResourceStatus {
  /** Provider-assigned id; pass it to every other provider call. */
  id: ResourceId;
  /** Human name, from `CreateResourceOptions.name` or generated. */
  name: string;
  /** Name of the provider that owns the resource. */
  provider: string;
  /** Normalized state. */
  state: ResourceState;
  /** The provider's own state string, never thrown away. */
  raw: string;
  /** Why the resource is in `error` (or other detail the provider gave). */
  message?: string;
  /** Instance type, GPU id or hardware profile it was created with. */
  instanceType: string;
  /** When the resource was launched. */
  launchTime?: Date;
  /** What the resource costs per hour while it exists, in USD. */
  costPerHour: number;
  /** Address to reach the machine at, when it has one. */
  publicIp?: string;
  /** Tags, including the `runctl:*` ones. */
  tags: Record<string, string>;
  /** Whether the resource is interruptible (spot). */
  spot?: boolean;
  /** When the resource's hard lifetime ends, if one was set. */
  expiresAt?: Date;
}

/** Narrows `listResources`. Every field is optional and they combine with AND. */
export interface ResourceFilter {
  /** Only these ids. Watchers use it to batch many resources into one call. */
  ids?: readonly ResourceId[];
  /** Only resources in these states. */
  states?: readonly ResourceState[];
  /** Only resources carrying all of these tags. */
  tags?: Readonly<Record<string, string>>;
  /** Only resources runctl created (`runctl:managed=true`). */
  managedOnly?: boolean;
}
