import type { Instance } from '@aws-sdk/client-ec2';
import { RUNCTL_TAGS, expiresAtFromTags, normalizeState, type ResourceStatus } from '@runctl/core';

/** EC2's six state names all appear in the shared table; the map only documents that nothing is overridden. */
const EC2_STATE_MAP = {} as const;

/** The StateReason code EC2 gives an instance reclaimed by Spot. */
export const SPOT_TERMINATION = 'Server.SpotInstanceTermination';

/** The StateReason codes of a Spot reclaim (terminate or stop). */
export const SPOT_REASONS: ReadonlySet<string> = new Set([SPOT_TERMINATION, 'Server.SpotInstanceShutdown']);

/** Tags of an EC2 instance as a plain record. */
export function tagsOf(instance: Pick<Instance, 'Tags'>): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of instance.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  return tags;
}

/**
 * An EC2 instance as a {@link ResourceStatus}: the state is normalized, the
 * raw EC2 state name kept, and the StateReason (e.g. a Spot reclaim) becomes
 * the message.
 */
export function toResourceStatus(instance: Instance, provider: string, costPerHour: (instanceType: string, spot: boolean) => number): ResourceStatus {
  const raw = instance.State?.Name ?? 'unknown';
  const tags = tagsOf(instance);
  const spot = instance.InstanceLifecycle === 'spot';
  const instanceType = instance.InstanceType ?? 'unknown';
  const expiresAt = expiresAtFromTags(tags);
  const reason = instance.StateReason;
  const status: ResourceStatus = {
    id: instance.InstanceId ?? '',
    name: tags[RUNCTL_TAGS.name] ?? instance.InstanceId ?? '',
    provider,
    state: normalizeState(raw, EC2_STATE_MAP),
    raw,
    instanceType,
    costPerHour: costPerHour(instanceType, spot),
    tags,
    spot,
  };
  if (instance.LaunchTime !== undefined) status.launchTime = instance.LaunchTime;
  if (instance.PublicIpAddress !== undefined) status.publicIp = instance.PublicIpAddress;
  if (expiresAt !== undefined) status.expiresAt = expiresAt;
  // "pending" is EC2's placeholder reason while launching; it says nothing.
  if (reason?.Code !== undefined && reason.Code !== 'pending') status.message = reason.Message ?? reason.Code;
  return status;
}

/** Whether EC2 says this instance was reclaimed by Spot. */
export function wasPreempted(instance: Pick<Instance, 'StateReason'>): boolean {
  return SPOT_REASONS.has(instance.StateReason?.Code ?? '');
}
