import { randomBytes } from 'node:crypto';
import { addPod } from './add-pod.ts';
import type { FakeState } from './fake-state.ts';
import { FAKE_DATA_CENTERS } from './gpu-catalog.ts';
import { placeGpuPod } from './gpu-placement.ts';
import { GqlRequestError, type GqlInputType } from './graphql-input.ts';
import type { PodMounts } from './pod-record.ts';
import { isoSeconds, parsePort } from './pod-view.ts';
import { NO_INSTANCES_AVAILABLE } from './problem.ts';

const STRING = { kind: 'scalar', name: 'String' } as const;
const INT = { kind: 'scalar', name: 'Int' } as const;
const FLOAT = { kind: 'scalar', name: 'Float' } as const;
const BOOLEAN = { kind: 'scalar', name: 'Boolean' } as const;

/**
 * `PodRentInterruptableInput`: the on-demand fields the fact sheet lists plus
 * `bidPerGpu`, `terminateAfter`, `stopAfter`. Any other field is a GraphQL error.
 */
export const POD_RENT_INTERRUPTABLE_INPUT: GqlInputType = {
  kind: 'object',
  name: 'PodRentInterruptableInput',
  fields: {
    bidPerGpu: { type: FLOAT, nonNull: true },
    gpuTypeId: { type: STRING },
    gpuCount: { type: INT },
    cloudType: { type: { kind: 'enum', name: 'CloudTypeEnum', values: ['ALL', 'SECURE', 'COMMUNITY'] } },
    name: { type: STRING },
    imageName: { type: STRING },
    dockerArgs: { type: STRING },
    ports: { type: STRING },
    volumeInGb: { type: INT },
    containerDiskInGb: { type: INT },
    volumeMountPath: { type: STRING },
    minVcpuCount: { type: INT },
    minMemoryInGb: { type: INT },
    env: {
      type: {
        kind: 'list',
        of: {
          kind: 'object',
          name: 'EnvironmentVariableInput',
          fields: { key: { type: STRING, nonNull: true }, value: { type: STRING, nonNull: true } },
        },
      },
    },
    startSsh: { type: BOOLEAN },
    startJupyter: { type: BOOLEAN },
    supportPublicIp: { type: BOOLEAN },
    dataCenterId: { type: STRING },
    countryCode: { type: STRING },
    templateId: { type: STRING },
    networkVolumeId: { type: STRING },
    allowedCudaVersions: { type: { kind: 'list', of: STRING } },
    minCudaVersion: { type: STRING },
    containerRegistryAuthId: { type: STRING },
    terminateAfter: { type: STRING },
    stopAfter: { type: STRING },
  },
};

/** The GraphQL `Pod` fields the fake can return; `null` marks a leaf. */
export interface GqlShape {
  readonly [field: string]: GqlShape | null;
}

export const SPOT_POD_SHAPE: GqlShape = {
  __typename: null,
  id: null,
  name: null,
  imageName: null,
  env: null,
  machineId: null,
  machine: { __typename: null, podHostId: null, gpuDisplayName: null },
  desiredStatus: null,
  lastStatusChange: null,
  costPerHr: null,
  gpuCount: null,
  volumeInGb: null,
  containerDiskInGb: null,
  volumeMountPath: null,
  dockerArgs: null,
  ports: null,
  podType: null,
};

interface SpotInput {
  readonly bidPerGpu: number;
  readonly gpuTypeId?: string | null;
  readonly gpuCount?: number | null;
  readonly cloudType?: 'ALL' | 'SECURE' | 'COMMUNITY' | null;
  readonly name?: string | null;
  readonly imageName?: string | null;
  readonly dockerArgs?: string | null;
  readonly ports?: string | null;
  readonly volumeInGb?: number | null;
  readonly containerDiskInGb?: number | null;
  readonly volumeMountPath?: string | null;
  readonly env?: readonly { readonly key: string; readonly value: string }[] | null;
  readonly startSsh?: boolean | null;
  readonly startJupyter?: boolean | null;
  readonly dataCenterId?: string | null;
  readonly countryCode?: string | null;
  readonly templateId?: string | null;
  readonly networkVolumeId?: string | null;
  readonly allowedCudaVersions?: readonly string[] | null;
  readonly minCudaVersion?: string | null;
}

/** Creates an interruptible pod in the shared store; throws `GqlRequestError` with RunPod-like messages. */
export function rentInterruptablePod(state: FakeState, input: SpotInput): Record<string, unknown> {
  if (input.templateId) throw new GqlRequestError(`Template "${input.templateId}" not found.`);
  if (input.networkVolumeId) throw new GqlRequestError(`Network volume "${input.networkVolumeId}" not found.`);
  if (!input.gpuTypeId) throw new GqlRequestError('gpuTypeId is required.');
  if (!input.imageName) throw new GqlRequestError('imageName is required.');
  const ports = (input.ports ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
  const badPort = ports.find((p) => parsePort(p) === undefined);
  if (badPort !== undefined) throw new GqlRequestError(`Invalid port "${badPort}": expected "<port>/<http|tcp>".`);

  const gpuCount = input.gpuCount ?? 1;
  const placed = placeGpuPod(state.catalog, state.balance, {
    gpuId: input.gpuTypeId,
    gpuCount,
    cloud: input.cloudType ?? 'ALL',
    dataCenterIds: dataCentersFor(input),
    allowedCudaVersions: input.allowedCudaVersions ?? [],
    ...(input.minCudaVersion ? { minCudaVersion: input.minCudaVersion } : {}),
    bidPerGpu: input.bidPerGpu,
  });
  if (!placed.ok) {
    const failure = placed.failure;
    if (failure.reason === 'unknown-gpu') throw new GqlRequestError(`GPU type "${input.gpuTypeId}" not found.`);
    if (failure.reason === 'bid-too-low') {
      throw new GqlRequestError(`Your bid price is below the minimum bid of $${failure.minimumBid}/hr per GPU.`);
    }
    if (failure.reason === 'insufficient-balance') throw new GqlRequestError('You do not have enough funds to rent this pod.');
    throw new GqlRequestError(NO_INSTANCES_AVAILABLE);
  }

  const volumeInGb = input.volumeInGb ?? 0;
  const mounts: PodMounts = volumeInGb > 0 ? { persistent: { size: volumeInGb, path: input.volumeMountPath ?? '/workspace' } } : {};
  const pod = addPod(state, {
    name: input.name ?? '',
    image: input.imageName,
    args: input.dockerArgs ?? '',
    disk: input.containerDiskInGb ?? 50,
    ports,
    env: Object.fromEntries((input.env ?? []).map((e) => [e.key, e.value])),
    registry: null,
    mounts,
    gpu: { id: placed.placement.gpu.id, count: gpuCount },
    cpu: null,
    cloud: placed.placement.cloud,
    dataCenterId: placed.placement.dataCenterId,
    cudaVersion: placed.placement.cudaVersion,
    globalNetworking: false,
    hourlyCost: placed.placement.hourlyCost,
    interruptible: true,
    bidPerGpu: input.bidPerGpu,
    startSsh: input.startSsh ?? false,
    startJupyter: input.startJupyter ?? false,
  });
  return {
    __typename: 'Pod',
    id: pod.id,
    name: pod.name,
    imageName: pod.image,
    env: Object.entries(pod.env).map(([key, value]) => `${key}=${value}`),
    machineId: randomBytes(6).toString('hex'),
    machine: { __typename: 'Machine', podHostId: pod.proxyUsername, gpuDisplayName: placed.placement.gpu.name },
    desiredStatus: 'RUNNING',
    lastStatusChange: `Rented by User: ${isoSeconds(pod.createdAt)}`,
    costPerHr: pod.hourlyCost,
    gpuCount,
    volumeInGb,
    containerDiskInGb: pod.disk,
    volumeMountPath: pod.mounts.persistent?.path ?? null,
    dockerArgs: pod.args,
    ports: pod.ports.join(','),
    podType: 'INTERRUPTABLE',
  };
}

function dataCentersFor(input: SpotInput): string[] {
  const inCountry = input.countryCode
    ? FAKE_DATA_CENTERS.filter((dc) => dc.countryCode === input.countryCode).map((dc) => dc.id)
    : undefined;
  if (input.dataCenterId) return inCountry && !inCountry.includes(input.dataCenterId) ? ['<none>'] : [input.dataCenterId];
  // A country with no data center must fail placement rather than mean "anywhere".
  return inCountry?.length === 0 ? ['<none>'] : (inCountry ?? []);
}
