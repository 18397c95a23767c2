import { addPod } from './add-pod.ts';
import { placeCpuPod } from './cpu-flavors.ts';
import { json, type FakeReply } from './fake-reply.ts';
import type { FakeState } from './fake-state.ts';
import type { CloudType } from './gpu-catalog.ts';
import { placeGpuPod, type PlacementFailure } from './gpu-placement.ts';
import type { PodMounts } from './pod-record.ts';
import { parsePort, renderPod } from './pod-view.ts';
import { NO_INSTANCES_AVAILABLE, problem } from './problem.ts';
import { readValidBody, type RestRequest } from './rest-request.ts';

/** The subset of `CreatePodRequest` the handler reads; the schema has already vetted it. */
interface CreatePodBody {
  readonly name: string;
  readonly image?: string;
  readonly args?: string;
  readonly disk?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly ports?: readonly string[];
  readonly registry?: string | null;
  readonly cloud?: CloudType;
  readonly cpu?: { readonly id: string; readonly vcpuCount: number };
  readonly gpu?: {
    readonly id: string;
    readonly count?: number;
    readonly allowedCudaVersions?: readonly string[];
    readonly minCudaVersion?: string;
  };
  readonly dataCenterIds?: readonly string[];
  readonly globalNetworking?: boolean;
  readonly mounts?: PodMounts;
  readonly startSsh?: boolean;
  readonly startJupyter?: boolean;
  readonly templateId?: string;
}

/** The spec gives no default container disk; 50 GB is v1's documented default. */
const DEFAULT_DISK_GB = 50;

/** `POST /v2/pods`: schema (422), then the handler-layer rules the spec describes (400/402/404). */
export function createPod(req: RestRequest, state: FakeState): FakeReply {
  const parsed = readValidBody<CreatePodBody>(req, 'CreatePodRequest');
  if (!parsed.ok) return parsed.reply;
  const body = parsed.body;

  const ruleViolation = checkRules(body);
  if (ruleViolation) return ruleViolation;

  const common = {
    name: body.name,
    image: body.image ?? '',
    args: body.args ?? '',
    disk: body.disk ?? DEFAULT_DISK_GB,
    ports: [...(body.ports ?? [])],
    env: { ...body.env },
    registry: body.registry ?? null,
    mounts: body.mounts ?? {},
    globalNetworking: body.globalNetworking ?? false,
    interruptible: false,
    bidPerGpu: null,
    startSsh: body.startSsh ?? false,
    startJupyter: body.startJupyter ?? false,
  };
  const cloud = body.cloud ?? 'SECURE';

  if (body.cpu) {
    const placed = placeCpuPod(body.cpu.id, body.cpu.vcpuCount);
    if (!placed.ok) return problem(400, placed.detail);
    if (placed.hourlyCost > state.balance) return insufficientBalance();
    const pod = addPod(state, {
      ...common,
      gpu: null,
      cpu: { id: body.cpu.id, vcpuCount: body.cpu.vcpuCount, memory: placed.memory },
      cloud,
      dataCenterId: body.dataCenterIds?.[0] ?? 'EU-RO-1',
      cudaVersion: null,
      hourlyCost: placed.hourlyCost,
    });
    return json(201, renderPod(pod, state.now(), state.sshEndpoint));
  }

  const gpu = body.gpu;
  // Live behaviour (runpod-mcp, 2026-08-04): despite the spec's default of 1,
  // omitting gpu.count fails every create with a misleading capacity error.
  if (!gpu || gpu.count === undefined) return problem(400, NO_INSTANCES_AVAILABLE);
  const placed = placeGpuPod(state.catalog, state.balance, {
    gpuId: gpu.id,
    gpuCount: gpu.count,
    cloud,
    dataCenterIds: body.dataCenterIds ?? [],
    allowedCudaVersions: gpu.allowedCudaVersions ?? [],
    ...(gpu.minCudaVersion === undefined ? {} : { minCudaVersion: gpu.minCudaVersion }),
  });
  if (!placed.ok) return placementProblem(placed.failure, gpu.id, gpu.count, cloud);
  const pod = addPod(state, {
    ...common,
    gpu: { id: gpu.id, count: gpu.count },
    cpu: null,
    cloud: placed.placement.cloud,
    dataCenterId: placed.placement.dataCenterId,
    cudaVersion: placed.placement.cudaVersion,
    hourlyCost: placed.placement.hourlyCost,
  });
  return json(201, renderPod(pod, state.now(), state.sshEndpoint));
}

/** Cross-field rules the spec enforces "at the handler layer" rather than in the schema. */
function checkRules(body: CreatePodBody): FakeReply | undefined {
  if ((body.gpu === undefined) === (body.cpu === undefined)) {
    return problem(400, 'exactly one of gpu or cpu must be set');
  }
  // The fake has no templates or network volumes, so every reference is unknown.
  if (body.templateId !== undefined) return problem(404, `template '${body.templateId}' not found`);
  if (body.mounts?.persistent && body.mounts.network) {
    return problem(400, 'mounts: at most one of persistent or network may be set');
  }
  const volume = body.mounts?.network?.[0];
  if (volume) return problem(404, `network volume '${volume.volumeId}' not found`);
  if (body.cpu && body.mounts?.persistent) return problem(400, 'mounts.persistent is not supported on CPU pods');
  const badPort = body.ports?.find((entry) => parsePort(entry) === undefined);
  if (badPort !== undefined) return problem(400, `invalid port '${badPort}': expected "<port>/<http|tcp>"`);
  if ((body.gpu?.allowedCudaVersions?.length ?? 0) > 0 && body.gpu?.minCudaVersion !== undefined) {
    return problem(400, 'gpu.allowedCudaVersions and gpu.minCudaVersion are mutually exclusive');
  }
  return undefined;
}

function placementProblem(failure: PlacementFailure, gpuId: string, count: number, cloud: CloudType): FakeReply {
  switch (failure.reason) {
    case 'unknown-gpu':
      return problem(400, `unknown GPU type '${gpuId}'`);
    case 'too-many-gpus':
      return problem(400, `gpu.count ${count} exceeds the maximum of ${failure.maxCount} for '${gpuId}' on ${cloud} cloud`);
    case 'insufficient-balance':
      return insufficientBalance();
    case 'no-capacity':
    case 'bid-too-low':
      return problem(400, NO_INSTANCES_AVAILABLE);
  }
}

function insufficientBalance(): FakeReply {
  return problem(402, 'insufficient balance to deploy this pod');
}
