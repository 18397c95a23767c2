import { json, type FakeReply } from './fake-reply.ts';
import type { FakeState } from './fake-state.ts';
import type { PodMounts, PodRecord } from './pod-record.ts';
import { parsePort, renderPod } from './pod-view.ts';
import { problem } from './problem.ts';
import { podNotFound, readValidBody, type RestRequest } from './rest-request.ts';

interface UpdatePodBody {
  readonly name?: string;
  readonly image?: string;
  readonly args?: string;
  readonly disk?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly ports?: readonly string[];
  readonly registry?: string | null;
  readonly mounts?: PodMounts;
  readonly locked?: boolean;
  readonly globalNetworking?: boolean;
  readonly templateId?: string;
}

/** `PATCH /v2/pods/{id}`: only fields present change; mount rules per the spec's `Mounts` description. */
export function updatePod(req: RestRequest, state: FakeState): FakeReply {
  const parsed = readValidBody<UpdatePodBody>(req, 'UpdatePodRequest');
  if (!parsed.ok) return parsed.reply;
  const pod = state.pods.get(req.params['id'] ?? '');
  if (!pod) return podNotFound();
  const body = parsed.body;

  if (body.templateId !== undefined) return problem(404, `template '${body.templateId}' not found`);
  const badPort = body.ports?.find((entry) => parsePort(entry) === undefined);
  if (badPort !== undefined) return problem(400, `invalid port '${badPort}': expected "<port>/<http|tcp>"`);
  const mountProblem = body.mounts ? checkMountChange(pod, body.mounts) : undefined;
  if (mountProblem) return mountProblem;

  if (body.name !== undefined) pod.name = body.name;
  if (body.image !== undefined) pod.image = body.image;
  if (body.args !== undefined) pod.args = body.args;
  if (body.disk !== undefined) pod.disk = body.disk;
  if (body.env !== undefined) pod.env = { ...body.env };
  if (body.ports !== undefined) pod.ports = [...body.ports];
  if (body.registry !== undefined) pod.registry = body.registry;
  if (body.locked !== undefined) pod.locked = body.locked;
  if (body.globalNetworking !== undefined) pod.globalNetworking = body.globalNetworking;
  if (body.mounts?.persistent) pod.mounts = { persistent: body.mounts.persistent };
  if (body.mounts?.network) pod.mounts = { network: body.mounts.network };
  return json(200, renderPod(pod, state.now(), state.sshEndpoint));
}

function checkMountChange(pod: PodRecord, mounts: PodMounts): FakeReply | undefined {
  if (mounts.persistent && mounts.network) return problem(400, 'mounts: at most one of persistent or network may be set');
  if (mounts.network?.length === 0) return problem(400, 'mounts.network: clearing mounts is not supported');
  if (mounts.persistent && !pod.mounts.persistent) return problem(400, 'mounts: the mount kind is fixed at create');
  if (mounts.network && !pod.mounts.network) return problem(400, 'mounts: the mount kind is fixed at create');
  const volumeId = mounts.network?.[0]?.volumeId;
  if (volumeId !== undefined && volumeId !== pod.mounts.network?.[0]?.volumeId) {
    return problem(400, 'mounts.network: volumeId is immutable');
  }
  return undefined;
}
