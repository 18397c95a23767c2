import { json, noContent, type FakeReply } from './fake-reply.ts';
import { removePod, type FakeState } from './fake-state.ts';
import { renderPod } from './pod-view.ts';
import { podNotFound, type RestRequest } from './rest-request.ts';

/** `GET /v2/pods`: the fake has no cluster pods, so `includeClusterPods` changes nothing. */
export function listPods(_req: RestRequest, state: FakeState): FakeReply {
  const now = state.now();
  const pods = [...state.pods.values()]
    .toSorted((a, b) => a.createdAt - b.createdAt)
    .map((pod) => renderPod(pod, now, state.sshEndpoint));
  return json(200, { pods });
}

export function getPod(req: RestRequest, state: FakeState): FakeReply {
  const pod = state.pods.get(req.params['id'] ?? '');
  return pod ? json(200, renderPod(pod, state.now(), state.sshEndpoint)) : podNotFound();
}

/** `DELETE /v2/pods/{id}`: 204, then the pod is gone (404 on every later call). */
export function deletePod(req: RestRequest, state: FakeState): FakeReply {
  return removePod(state, req.params['id'] ?? '') ? noContent() : podNotFound();
}
