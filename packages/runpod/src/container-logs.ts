import {
  DEFAULT_RETRY_POLICY,
  RunctlError,
  abortError,
  anySignal,
  backoffDelay,
  sleep,
  type CallOptions,
  type Duration,
  type LogLineEvent,
} from '@runctl/core';
import type { RunpodHttp } from './runpod-http.ts';
import type { PodReader } from './pod-reader.ts';
import { parseSse, type SseEvent } from './sse.ts';

/** Options of `containerLogs`. */
export interface ContainerLogOptions extends CallOptions {
  /** `container` (stdout and stderr, the default), `system` (host lifecycle) or `all`. */
  source?: 'container' | 'system' | 'all';
  /** Lines of history to send first, 0-5000 (RunPod's default 100; 0 = live only). Ignored with `cursor` or `since`. */
  tail?: number;
  /** Start at this time instead of `tail` lines back. Ignored with `cursor`. */
  since?: Date | string;
  /** Resume just after the event that carried this cursor (sent as `Last-Event-ID`). */
  cursor?: string;
  /** Keep the stream open for new lines, reconnecting when it drops (default `true`). */
  follow?: boolean;
  /** With `follow: false`, how long a quiet stream is waited on before the history is deemed complete (default `'1s'`). */
  idleTimeout?: Duration;
}

/** One line of a pod's container (or system) log. `stream` is `stdout` for container lines (RunPod merges stderr in). */
export interface ContainerLogEvent extends LogLineEvent {
  source: 'container' | 'system';
}

/** Validated {@link ContainerLogOptions}. */
export interface ResolvedContainerLogOptions {
  source: 'container' | 'system' | 'all';
  tail: number | undefined;
  since: string | undefined;
  cursor: string | undefined;
  follow: boolean;
  idleTimeoutMs: number;
  signal: AbortSignal | undefined;
}

interface LogFrame {
  ts?: unknown;
  source?: unknown;
  line?: unknown;
}

const RECONNECT_POLICY = { ...DEFAULT_RETRY_POLICY, initialDelayMs: 250, maxDelayMs: 5_000 };
const MAX_RECONNECTS = 8;

/**
 * Reads `GET /v2/pods/{id}/logs` (Server-Sent Events). Each event's cursor is
 * its SSE id, so a stored cursor resumes through `Last-Event-ID`. When
 * following, a dropped stream is reopened from the last cursor; the
 * iteration ends when the pod is gone. Breaking out of the loop closes the
 * connection.
 */
export async function* readContainerLogs(context: { http: RunpodHttp; reader: PodReader; provider: string }, id: string, options: ResolvedContainerLogOptions): AsyncGenerator<ContainerLogEvent> {
  const { signal } = options;
  let cursor = options.cursor;
  let failures = 0;
  for (let first = true; ; first = false) {
    const connection = new AbortController();
    let response: Response;
    try {
      response = await context.http.stream({
        method: 'GET',
        path: `/pods/${encodeURIComponent(id)}/logs`,
        searchParams: {
          source: options.source === 'all' ? undefined : options.source,
          since: cursor === undefined ? options.since : undefined,
          tail: cursor === undefined && options.since === undefined ? options.tail : undefined,
        },
        headers: cursor === undefined ? {} : { 'last-event-id': cursor },
        signal: anySignal(signal, connection.signal),
      });
    } catch (error) {
      if (signal?.aborted) throw abortError(signal, context.provider);
      if (RunctlError.hasCode(error, 'NOT_FOUND') && !first) return;
      if (!RunctlError.isInstance(error) || !error.retryable || ++failures > MAX_RECONNECTS) throw error;
      await sleep(error.retryAfterMs ?? backoffDelay(failures, RECONNECT_POLICY), signal);
      continue;
    }
    const iterator = parseSse(response.body ?? new ReadableStream())[Symbol.asyncIterator]();
    let broke = false;
    try {
      for (;;) {
        const next = iterator.next();
        const result = options.follow ? await next : await withIdleTimeout(next, options.idleTimeoutMs);
        if (result === 'idle') {
          connection.abort();
          next.catch(() => undefined);
          return;
        }
        if (result.done) break;
        const event = toEvent(result.value);
        if (event === undefined) continue;
        failures = 0;
        cursor = event.cursor;
        yield event;
      }
    } catch (error) {
      if (signal?.aborted) throw abortError(signal, context.provider);
      if (!options.follow) throw RunctlError.isInstance(error) ? error : new RunctlError({ code: 'PROVIDER', retryable: true, provider: context.provider, message: `The log stream of pod ${id} broke.` });
      broke = true;
    } finally {
      connection.abort();
      await iterator.return?.(undefined).catch(() => undefined);
    }
    if (!options.follow) return;
    // The stream ended or broke: reopen it from the last cursor while the pod exists.
    const pod = await context.reader.get(id, signal);
    if (pod === undefined || pod.status === 'TERMINATED') return;
    if (broke && ++failures > MAX_RECONNECTS) throw new RunctlError({ code: 'PROVIDER', retryable: true, provider: context.provider, message: `The log stream of pod ${id} kept breaking.` });
    await sleep(backoffDelay(Math.max(1, failures), RECONNECT_POLICY), signal);
  }
}

function toEvent(frame: SseEvent): ContainerLogEvent | undefined {
  let data: LogFrame;
  try {
    data = JSON.parse(frame.data) as LogFrame;
  } catch {
    return undefined;
  }
  if (typeof data.line !== 'string') return undefined;
  const source = data.source === 'system' ? 'system' : 'container';
  const timestamp = typeof data.ts === 'string' && !Number.isNaN(Date.parse(data.ts)) ? new Date(data.ts) : new Date();
  return { type: 'log', stream: source === 'system' ? 'system' : 'stdout', source, line: data.line, timestamp, cursor: frame.id ?? timestamp.toISOString() };
}

function withIdleTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'idle'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = new Promise<'idle'>((resolve) => {
    timer = setTimeout(() => resolve('idle'), ms);
  });
  return Promise.race([promise, idle]).finally(() => clearTimeout(timer));
}
