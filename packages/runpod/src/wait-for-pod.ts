import { RunctlError, formatDuration, sleep } from '@runctl/core';
import type { RunpodPod, RunpodSshEndpoint } from './runpod-api-types.ts';
import type { PodReader } from './pod-reader.ts';
import { podIdentity } from './pod-markers.ts';

/** A pod that can be reached: RUNNING, with its direct SSH endpoint. */
export interface ReadyPod {
  pod: RunpodPod;
  direct: RunpodSshEndpoint;
}

/**
 * Waits until the pod is RUNNING and has `ssh.direct`, polling (batched
 * through the reader) from 1 s up to `intervalMs`. Fails fast with
 * `NOT_FOUND` for an unknown pod and `INVALID_STATE` for one that stopped,
 * failed or was terminated; past `timeoutMs` it throws `TIMEOUT` saying what
 * the pod was stuck in (PROVISIONING: no machine found), never hangs.
 */
export async function waitForSshReady(reader: PodReader, id: string, options: { timeoutMs: number; intervalMs: number; provider: string; signal?: AbortSignal | undefined }): Promise<ReadyPod> {
  const { provider, signal, timeoutMs } = options;
  const started = Date.now();
  let delay = Math.min(1_000, options.intervalMs);
  for (;;) {
    const pod = await reader.get(id, signal);
    if (pod === undefined) throw new RunctlError({ code: 'NOT_FOUND', provider, message: `RunPod has no pod ${id} (it was never created, or it was terminated).` });
    const direct = pod.ssh?.direct;
    if (pod.status === 'RUNNING' && direct) return { pod, direct };
    if (pod.status === 'TERMINATED' || pod.status === 'ERROR' || pod.status === 'EXITED') throw notReachable(pod, provider);
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw stuck(pod, waited, provider);
    await sleep(Math.min(delay, timeoutMs - waited), signal);
    delay = Math.min(options.intervalMs, delay * 2);
  }
}

function notReachable(pod: RunpodPod, provider: string): RunctlError {
  const spot = podIdentity(pod).spot;
  const why: Record<string, [string, string]> = {
    TERMINATED: ['was terminated', 'Create a new resource.'],
    ERROR: ['is in ERROR (the container failed)', 'Read its logs with containerLogs(id), then terminate it.'],
    EXITED: [spot ? 'is EXITED (a spot pod: probably preempted)' : 'is EXITED (stopped)', 'Start it again in the RunPod console, or terminate it and create a new one.'],
  };
  const [state, hint] = why[pod.status] ?? ['cannot be reached', ''];
  return new RunctlError({ code: 'INVALID_STATE', provider, message: `Pod ${pod.id} ${state}; runctl cannot reach it.`, hint });
}

function stuck(pod: RunpodPod, waitedMs: number, provider: string): RunctlError {
  const after = formatDuration(waitedMs);
  if (pod.status === 'RUNNING') {
    return new RunctlError({
      code: 'TIMEOUT',
      retryable: false,
      provider,
      message: `Pod ${pod.id} is RUNNING but has no direct SSH endpoint after ${after}.`,
      hint: 'runctl needs 22/tcp on a public IP. Community-cloud hosts may have none: use cloud SECURE, or terminate the pod and try another host.',
    });
  }
  // Not retryable: waiting again right away would only repeat the whole wait (monitor would reconnect for hours).
  return new RunctlError({
    code: 'TIMEOUT',
    retryable: false,
    provider,
    message: `Pod ${pod.id} was still ${pod.status} after ${after}${pod.status === 'PROVISIONING' ? ': RunPod has not found a machine for it' : ''}.`,
    hint: 'Pods sometimes stay in PROVISIONING when their GPU or data center runs out. Terminate it (runctl does not) and try another GPU type, cloud or data center, or raise readyTimeout.',
  });
}
