import { anySignal, type JobEndReason, type LogEvent } from '@runctl/core';

/** Why a pod can no longer run the job, from `resourceLost`. */
export interface LostPod {
  reason: Extract<JobEndReason, 'resource-lost' | 'preempted'>;
  message: string;
}

/**
 * Follows `start(signal)` and checks the pod every `intervalMs` while it
 * does. A pod that is gone (deleted, terminated, stopped) ends the stream
 * with an `exit` event of that reason instead of leaving it waiting on a
 * connection that may never fail by itself; so does a stream that ends
 * without an exit event while the pod is gone. The inner stream is aborted
 * and closed whenever this one ends.
 */
export async function* endWhenPodLost(
  start: (signal: AbortSignal) => AsyncIterable<LogEvent>,
  check: (signal?: AbortSignal) => Promise<LostPod | undefined>,
  options: { intervalMs: number; jobId: string | undefined; jobIdOfCursor: (cursor: string) => string | undefined; signal?: AbortSignal | undefined },
): AsyncGenerator<LogEvent> {
  const internal = new AbortController();
  const iterator = start(anySignal(options.signal, internal.signal) as AbortSignal)[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<LogEvent>> | undefined;
  let cursor = '';
  let nextCheck = Date.now() + options.intervalMs;
  const lostExit = async (): Promise<LogEvent | undefined> => {
    const lost = await check(options.signal).catch(() => undefined);
    nextCheck = Date.now() + options.intervalMs;
    if (lost === undefined) return undefined;
    const jobId = options.jobId ?? options.jobIdOfCursor(cursor) ?? 'unknown';
    return { type: 'exit', status: { jobId, state: 'unknown', reason: lost.reason, message: lost.message }, cursor };
  };
  try {
    for (;;) {
      if (Date.now() >= nextCheck) {
        const exit = await lostExit();
        if (exit !== undefined) {
          yield exit;
          return;
        }
      }
      pending ??= iterator.next();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = new Promise<'tick'>((resolve) => {
        timer = setTimeout(() => resolve('tick'), Math.max(0, nextCheck - Date.now()));
      });
      const outcome = await Promise.race([pending, tick]).finally(() => clearTimeout(timer));
      if (outcome === 'tick') continue;
      pending = undefined;
      if (outcome.done) {
        // A stream that ended without an exit event (a container log) says why if the pod is gone.
        const exit = await lostExit();
        if (exit !== undefined) yield exit;
        return;
      }
      cursor = outcome.value.cursor;
      yield outcome.value;
      if (outcome.value.type === 'exit') return;
    }
  } finally {
    internal.abort();
    if (pending !== undefined) pending.catch(() => undefined);
    else void iterator.return?.(undefined)?.catch(() => undefined);
  }
}
