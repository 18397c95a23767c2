import { RunctlError, sleep } from '@runctl/core';
import type { PodReader } from './pod-reader.ts';
import type { RunpodHttp } from './runpod-http.ts';

/** `DELETE /v2/pods/{id}`, retried like any idempotent call; a pod already gone (404) is fine. */
export async function deletePod(http: RunpodHttp, id: string, signal?: AbortSignal): Promise<void> {
  try {
    await http.json({ method: 'DELETE', path: `/pods/${encodeURIComponent(id)}`, signal });
  } catch (error) {
    if (!RunctlError.hasCode(error, 'NOT_FOUND')) throw error;
  }
}

/**
 * `DELETE /v2/pods/{id}` (retried like any idempotent call; 404 means
 * already gone), then reads the pod until RunPod no longer has it, so a
 * resolved `terminate` means nothing is billing. A pod still there after
 * `verifyTimeoutMs` is a `PROVIDER` error naming its state.
 */
export async function terminatePod(http: RunpodHttp, reader: PodReader, id: string, options: { provider: string; verifyTimeoutMs: number; intervalMs: number; signal?: AbortSignal | undefined }): Promise<void> {
  const { signal } = options;
  await deletePod(http, id, signal);
  const deadline = Date.now() + options.verifyTimeoutMs;
  for (let delay = 250; ; delay = Math.min(options.intervalMs, delay * 2)) {
    const pod = await reader.get(id, signal);
    if (pod === undefined || pod.status === 'TERMINATED') return;
    if (Date.now() >= deadline) {
      throw new RunctlError({
        code: 'PROVIDER',
        retryable: true,
        provider: options.provider,
        message: `RunPod accepted the delete of pod ${id}, but it is still ${pod.status}.`,
        hint: 'Call terminate again, or check the pod in the RunPod console: it may still be billing.',
      });
    }
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())), signal);
  }
}
