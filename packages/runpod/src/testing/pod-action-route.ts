import { json, noContent, type FakeReply } from './fake-reply.ts';
import { removePod, type FakeState } from './fake-state.ts';
import { actionsFor, lifecycleAt, type PodActionName } from './pod-lifecycle.ts';
import { renderPod } from './pod-view.ts';
import { problem } from './problem.ts';
import { podNotFound, readValidBody, type RestRequest } from './rest-request.ts';

/** `POST /v2/pods/{id}/action`: 409 when the action is not in the pod's current `actions`. */
export function podAction(req: RestRequest, state: FakeState): FakeReply {
  const parsed = readValidBody<{ readonly action: PodActionName }>(req, 'PodActionRequest');
  if (!parsed.ok) return parsed.reply;
  const id = req.params['id'] ?? '';
  const pod = state.pods.get(id);
  if (!pod) return podNotFound();
  const { action } = parsed.body;
  const now = state.now();
  const { status } = lifecycleAt(pod.phase, now);
  if (!actionsFor(status).includes(action)) {
    return problem(409, `action '${action}' is not valid for a pod in status ${status}`);
  }
  if (pod.locked && (action === 'stop' || action === 'restart')) {
    return problem(400, `pod is locked; unlock it before '${action}'`);
  }
  switch (action) {
    case 'terminate':
      removePod(state, id);
      return noContent();
    case 'stop':
      pod.phase = { kind: 'fixed', status: 'EXITED', since: now };
      break;
    case 'start':
    case 'restart':
      // A stopped pod keeps its machine (spec: cudaVersion description), so it skips PROVISIONING.
      pod.phase = { kind: 'booting', since: now, provisioningMs: 0, startingMs: state.startingMs };
      break;
  }
  return json(200, renderPod(pod, now, state.sshEndpoint));
}
