import { RunctlError, backoffDelay, sleep, type ResolvedRetryPolicy } from '@runctl/core';
import type { LyceumHttp } from '../lyceum-http.ts';
import type { RunSubmission } from './run-submission.ts';

/** What `…/start` answers. */
export interface StartedRun {
  executionId: string;
  status: string;
  /** Absolute URL of the run's event stream, when Lyceum gave a usable one. */
  streamingUrl: string | undefined;
}

/** One line of a run's stored (Loki) logs. */
export interface StoredLogLine {
  message: string;
  at: Date;
}

/** One object in the account bucket. */
export interface StoredObject {
  key: string;
  size: number | undefined;
}

/** The execution, logs, workloads and storage endpoints runs use. */
export interface RunApi {
  /** Posts a run. Only a 429 (nothing happened) is retried: a run is never started twice. */
  start(submission: RunSubmission, signal?: AbortSignal): Promise<StartedRun>;
  status(executionId: string, signal?: AbortSignal): Promise<{ status: string; errors: string | undefined }>;
  /** Stored log lines, oldest first. */
  logs(executionId: string, signal?: AbortSignal): Promise<StoredLogLine[]>;
  /** `POST /workloads/abort/{id}`; false when Lyceum says it is not running (404). */
  abort(executionId: string, signal?: AbortSignal): Promise<boolean>;
  listFiles(prefix: string, signal?: AbortSignal): Promise<StoredObject[]>;
  /** The URL of `GET /storage/download/{key}`. */
  downloadUrl(key: string): URL;
}

/** The most stored lines one request may return (Lyceum's upper bound for `limit`). */
export const MAX_LOG_LINES = 10_000;

export function createRunApi(http: LyceumHttp, baseURL: string, provider: string, retry: ResolvedRetryPolicy): RunApi {
  const execution = (id: string): string => encodeURIComponent(id);
  return {
    async start(submission, signal) {
      for (let attempt = 1; ; attempt++) {
        try {
          const answer = await http.request<Record<string, unknown>>('POST', submission.path, { json: submission.body, signal, fields: submission.fields, badRequestField: 'job' });
          return parseStarted(answer, provider);
        } catch (error) {
          if (RunctlError.hasCode(error, 'RATE_LIMITED') && attempt <= retry.maxRetries) {
            await sleep(Math.min(retry.maxDelayMs, error.retryAfterMs ?? backoffDelay(attempt, retry)), signal);
            continue;
          }
          throw ambiguousStart(error, provider);
        }
      }
    },
    async status(executionId, signal) {
      const answer = await http.request<Record<string, unknown> | undefined>('GET', `execution/streaming/${execution(executionId)}/status`, { signal, idempotent: true });
      const errors = answer?.['errors'];
      return {
        status: typeof answer?.['status'] === 'string' ? answer['status'] : 'unknown',
        errors: typeof errors === 'string' && errors !== '' ? errors : Array.isArray(errors) && errors.length > 0 ? errors.map(String).join('; ') : undefined,
      };
    },
    async logs(executionId, signal) {
      const answer = await http.request<{ logs?: unknown } | undefined>('GET', `logs/execution/${execution(executionId)}`, {
        signal,
        idempotent: true,
        searchParams: { limit: MAX_LOG_LINES, hours: 168 },
      });
      const rows = Array.isArray(answer?.logs) ? (answer.logs as Array<{ message?: unknown; timestamp?: unknown }>) : [];
      // Sorted by time, keeping Lyceum's order for equal stamps, in case it answers newest first.
      const now = Date.now();
      return rows
        .map((row, index) => ({ message: typeof row.message === 'string' ? row.message : '', at: Date.parse(String(row.timestamp ?? '')), index }))
        .sort((a, b) => (Number.isNaN(a.at) || Number.isNaN(b.at) || a.at === b.at ? a.index - b.index : a.at - b.at))
        .map((row) => ({ message: row.message, at: new Date(Number.isNaN(row.at) ? now : row.at) }));
    },
    async abort(executionId, signal) {
      try {
        // A stop outranks status polls when the account's budget is contended, like a VM's DELETE.
        await http.request('POST', `workloads/abort/${execution(executionId)}`, { signal, idempotent: true, priority: 'high' });
        return true;
      } catch (error) {
        // 404 means "not found or already finished".
        if (RunctlError.hasCode(error, 'NOT_FOUND')) return false;
        throw error;
      }
    },
    async listFiles(prefix, signal) {
      const answer = await http.request<unknown>('GET', 'storage/list-files', { signal, idempotent: true, searchParams: { prefix, max_files: MAX_LOG_LINES } });
      const rows = Array.isArray(answer) ? answer : ((answer as { files?: unknown } | undefined)?.files ?? []);
      if (!Array.isArray(rows)) return [];
      return (rows as Array<{ key?: unknown; size?: unknown }>)
        .filter((row) => typeof row.key === 'string')
        .map((row) => ({ key: row.key as string, size: typeof row.size === 'number' ? row.size : undefined }));
    },
    downloadUrl(key) {
      return new URL(`${baseURL}/storage/download/${key.split('/').map(encodeURIComponent).join('/')}`);
    },
  };
}

function parseStarted(answer: Record<string, unknown> | undefined, provider: string): StartedRun {
  const executionId = answer?.['execution_id'];
  if (typeof executionId !== 'string' || executionId === '') {
    throw new RunctlError({ code: 'PROVIDER', provider, message: 'Lyceum started a run but its answer has no execution_id.' });
  }
  const url = answer?.['streaming_url'];
  return {
    executionId,
    status: typeof answer?.['status'] === 'string' ? answer['status'] : 'pending',
    streamingUrl: typeof url === 'string' && /^https?:\/\//.test(url) ? url : undefined,
  };
}

/** A failed submission whose fate is unknown (no answer) must not be retried blindly; say so. */
function ambiguousStart(error: unknown, provider: string): unknown {
  if (!RunctlError.isInstance(error) || !(error.retryable && (error.code === 'PROVIDER' || error.code === 'TIMEOUT'))) return error;
  return new RunctlError({
    code: error.code,
    provider,
    retryable: false,
    cause: error,
    message: `${error.message} The run may or may not have started, so runctl did not submit it again.`,
    hint: 'Check GET /workloads/list or the Lyceum dashboard before submitting again.',
  });
}
