import type { RunpodCreatePodBody, RunpodMounts } from './runpod-api-types.ts';
import { DEFAULT_DISK_GB, DEFAULT_MOUNT_PATH, DEFAULT_RUNPOD_IMAGE, type ParsedRunpodCreateOptions } from './runpod-create-options.ts';
import type { LaunchCandidate } from './launch-pod.ts';
import { spotInputs } from './runpod-spot.ts';

/**
 * The create requests for one `createResource` call, in the order to try
 * them: one per GPU id (an alias may have several), and for spot one per
 * data center (GraphQL takes a single one). Every request carries the same
 * pod name, so a retry can find what an earlier attempt made.
 */
export function launchCandidates(options: ParsedRunpodCreateOptions, gpuIds: readonly string[], podName: string, env: Record<string, string>): LaunchCandidate[] {
  const mounts = mountsOf(options.volume);
  const bodies = gpuIds.map(
    (id): RunpodCreatePodBody => ({
      name: podName,
      image: options.image ?? DEFAULT_RUNPOD_IMAGE,
      gpu: { id, count: options.gpuCount ?? 1 },
      cloud: options.cloud ?? 'SECURE',
      disk: options.disk ?? DEFAULT_DISK_GB,
      env,
      ports: [...new Set(['22/tcp', ...(options.ports ?? [])])],
      startSsh: true,
      ...(options.dataCenterIds !== undefined && options.dataCenterIds.length > 0 ? { dataCenterIds: [...options.dataCenterIds] } : {}),
      ...(mounts === undefined ? {} : { mounts }),
    }),
  );
  if (options.spot === true && options.bidPerGpu !== undefined) {
    const bid = options.bidPerGpu;
    return bodies.flatMap((body) => spotInputs(body, bid).map((input): LaunchCandidate => ({ kind: 'spot', input })));
  }
  return bodies.map((body): LaunchCandidate => ({ kind: 'rest', body }));
}

function mountsOf(volume: ParsedRunpodCreateOptions['volume']): RunpodMounts | undefined {
  if (volume === undefined) return undefined;
  if (typeof volume === 'number') return { persistent: { size: volume, path: DEFAULT_MOUNT_PATH } };
  if ('networkVolumeId' in volume) return { network: [{ volumeId: volume.networkVolumeId, path: volume.path ?? DEFAULT_MOUNT_PATH }] };
  return { persistent: { size: volume.sizeGb, path: volume.path ?? DEFAULT_MOUNT_PATH } };
}
