import type { ResourceStatus } from '@runctl/core';
import type { RunpodPod } from './runpod-api-types.ts';
import { mapRunpodState } from './map-runpod-state.ts';
import { podIdentity } from './pod-markers.ts';

/**
 * A pod as a {@link ResourceStatus}: `raw` is RunPod's status string,
 * `costPerHour` its `cost` (0 once EXITED), `publicIp` the `ssh.direct` host,
 * and tags come from the runctl markers (see `pod-markers.ts`).
 */
export function toResourceStatus(pod: RunpodPod, provider: string): ResourceStatus {
  const identity = podIdentity(pod);
  const launchTime = pod.createdAt ? new Date(pod.createdAt) : undefined;
  const publicIp = pod.ssh?.direct?.host;
  const status: ResourceStatus = {
    id: pod.id,
    name: identity.name,
    provider,
    state: mapRunpodState(pod.status),
    raw: pod.status,
    instanceType: pod.gpu?.id ?? pod.cpu?.id ?? 'unknown',
    costPerHour: typeof pod.cost === 'number' && Number.isFinite(pod.cost) ? pod.cost : 0,
    tags: identity.tags,
    spot: identity.spot,
  };
  if (launchTime !== undefined && !Number.isNaN(launchTime.getTime())) status.launchTime = launchTime;
  if (publicIp !== undefined) status.publicIp = publicIp;
  if (identity.expiresAt !== undefined) status.expiresAt = identity.expiresAt;
  if (pod.status === 'ERROR') status.message = 'The container is in an unrecoverable error state; see its logs (containerLogs) and terminate it.';
  return status;
}
