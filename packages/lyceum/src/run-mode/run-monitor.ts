import { RunctlError, abortError, sleep, throwIfAborted, type LogEvent, type TrainingStatus } from '@runctl/core';
import type { LyceumHttp } from '../lyceum-http.ts';
import { mapRunState } from '../map-lyceum-state.ts';
import type { RunApi } from './run-api.ts';
import { encodeRunCursor, type RunPosition } from './run-cursor.ts';
import { parseRunEvent, type RunFinish } from './run-events.ts';
import { RunLogLines, eventsFromStoredLogs } from './run-log-lines.ts';
import { SseParser } from './sse-parser.ts';

/** What {@link monitorRun} needs. */
export interface RunMonitorContext {
  provider: string;
  http: LyceumHttp;
  api: RunApi;
  pollIntervalMs: number;
  streamIdleTimeoutMs: number;
  /** The run's stream URL: the one its start answer gave, else Lyceum's `/api/v1/stream/{id}`. */
  streamUrl(executionId: string): URL;
  /** The run's final status, from its `jobFinished` (if seen) and the status endpoint. */
  finalStatus(executionId: string, finish: RunFinish | undefined, signal?: AbortSignal): Promise<TrainingStatus>;
}

/**
 * A run's output as batches of log events, ending with an `exit` event:
 *
 * 1. A finished run, or `follow: false`, is read from the stored logs
 *    (`GET /logs/execution/{id}`).
 * 2. A live run is followed on its event stream (`output.content` chunks, then
 *    `jobFinished` with `returnCode` and `error`).
 * 3. If the stream fails, ends without `jobFinished`, or goes quiet for
 *    `streamIdleTimeoutMs`, it falls back to polling the status and the stored
 *    logs, delivering only the lines not yet delivered.
 *
 * Events are numbered the same way from both sources, so cursors resume
 * exactly, and nothing is lost or repeated across the switch.
 */
export async function* monitorRun(context: RunMonitorContext, position: RunPosition, follow: boolean, signal?: AbortSignal): AsyncGenerator<LogEvent[]> {
  if (position.ended) return;
  const { api, provider } = context;
  const { executionId } = position;
  let delivered = position.events;
  const exit = (status: TrainingStatus): LogEvent[] => [{ type: 'exit', status, cursor: encodeRunCursor({ executionId, events: delivered, ended: true }) }];

  let info = mapRunState((await api.status(executionId, signal)).status);
  if (!info.finished && follow) {
    const lines = new RunLogLines(executionId, delivered);
    const streamed = yield* followStream(context, executionId, lines, signal);
    delivered = lines.delivered;
    if (streamed !== undefined) {
      const tail = lines.finish(new Date());
      delivered = lines.delivered;
      if (tail.length > 0) yield tail;
      yield exit(await context.finalStatus(executionId, streamed, signal));
      return;
    }
  }

  // Stored logs: the whole story of a finished run, or the fallback after the stream dropped.
  for (;;) {
    throwIfAborted(signal, provider);
    const status = await api.status(executionId, signal);
    info = mapRunState(status.status);
    const { events, total } = eventsFromStoredLogs(executionId, delivered, await api.logs(executionId, signal));
    delivered = total;
    if (events.length > 0) yield events;
    if (info.finished) {
      yield exit(await context.finalStatus(executionId, undefined, signal));
      return;
    }
    if (!follow) return;
    await sleep(context.pollIntervalMs, signal);
  }
}

/**
 * Follows the event stream, yielding line batches. Returns the `jobFinished`
 * payload, or `undefined` when the stream ended or failed before it.
 */
async function* followStream(context: RunMonitorContext, executionId: string, lines: RunLogLines, signal?: AbortSignal): AsyncGenerator<LogEvent[], RunFinish | undefined> {
  const response = await openStream(context, executionId, signal);
  if (response?.body === null || response === undefined) return undefined;
  const reader = response.body.getReader();
  const parser = new SseParser(context.provider);
  try {
    for (;;) {
      const chunk = await readWithIdleLimit(reader, context.streamIdleTimeoutMs, signal);
      if (chunk === undefined) return undefined;
      const now = new Date();
      let batch: LogEvent[] = [];
      for (const sse of parser.push(chunk)) {
        const event = parseRunEvent(sse.data);
        if (event.kind === 'output') batch = batch.concat(lines.push(event.content, now));
        if (event.kind === 'finished') {
          if (batch.length > 0) yield batch;
          return event;
        }
      }
      if (batch.length > 0) yield batch;
    }
  } catch (error) {
    if (signal?.aborted) throw abortError(signal, context.provider);
    if (RunctlError.isInstance(error) && error.code === 'ABORTED') throw error;
    return undefined; // a broken stream is what the fallback is for
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** Opens the stream: GET with the key (same origin only), then POST, as Lyceum's clients have done. */
async function openStream(context: RunMonitorContext, executionId: string, signal?: AbortSignal): Promise<Response | undefined> {
  const url = context.streamUrl(executionId);
  const withAuth = url.origin === context.http.origin;
  for (const method of ['GET', 'POST'] as const) {
    try {
      return await context.http.open(url, { method, signal, withAuth, accept: 'text/event-stream' });
    } catch (error) {
      if (signal?.aborted) throw abortError(signal, context.provider);
      if (!(RunctlError.isInstance(error) && error.statusCode === 405)) return undefined;
    }
  }
  return undefined;
}

/** The next chunk; `undefined` at the end of the body or after `idleMs` of silence. */
async function readWithIdleLimit(reader: ReadableStreamDefaultReader<Uint8Array>, idleMs: number, signal?: AbortSignal): Promise<Uint8Array | undefined> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const idle = new Promise<'idle'>((resolve) => {
    timer = setTimeout(() => resolve('idle'), idleMs);
  });
  const aborted = new Promise<never>((_, reject) => {
    if (signal === undefined) return;
    onAbort = () => reject(abortError(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const result = await Promise.race([reader.read(), idle, aborted]);
    if (result === 'idle' || result.done) return undefined;
    return result.value;
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}
