import { randomUUID } from 'node:crypto';
import { openEventStream, type EventStreamSettings, type StreamCut } from './event-stream.ts';
import type { ExecutionRun } from './execution-run.ts';
import type { ExecutionStore } from './execution-store.ts';
import { FAKE_USER_ID } from './fake-identity.ts';
import type { FakeSubmission } from './fake-types.ts';
import { validateBody, validateQuery, type Schema } from './fastapi-validation.ts';
import { detail, json, unprocessable, type ApiReply, type ApiRequest } from './http-io.ts';
import { imageStartSchema, logsQuerySchema, pythonStartSchema } from './request-schemas.ts';
import type { Route } from './router.ts';
import { imageSubmission, pythonSubmission, type SubmissionResult } from './submission.ts';

/** Path of the stream; the CLI's own fallback when a start response has no `streaming_url`. */
export const STREAM_PATH = '/api/v1/stream';

/** What the run endpoints need from the rest of the fake. */
export interface ExecutionRouteContext {
  store: ExecutionStore;
  origin: () => string;
  streamSettings: () => EventStreamSettings;
  takeStreamCut: (executionId: string) => StreamCut | undefined;
}

const NOT_FOUND = 'Execution not found';

/** Run endpoints below `/api/v2/external`. */
export function executionRoutes(context: ExecutionRouteContext): Route[] {
  const { store } = context;
  const start = (submit: (id: string, body: Record<string, unknown>) => SubmissionResult<FakeSubmission>, schema: Schema): Route['handle'] => {
    return ({ body }) => {
      const parsed = validateBody(body, schema);
      if (!parsed.ok) return unprocessable(parsed.issues);
      const executionId = randomUUID();
      const submitted = submit(executionId, parsed.value);
      if (!submitted.ok) return detail(400, submitted.detail);
      const run = store.start(submitted.submission);
      return json(200, { execution_id: executionId, status: run.status, streaming_url: `${context.origin()}${STREAM_PATH}/${executionId}` });
    };
  };
  const withRun = (handle: (run: ExecutionRun, request: ApiRequest) => ApiReply): Route['handle'] => {
    return (request) => {
      const run = store.get(request.params['execution_id'] ?? '');
      return run ? handle(run, request) : detail(404, NOT_FOUND);
    };
  };
  return [
    { method: 'POST', pattern: '/execution/streaming/start', auth: 'bearer', handle: start(pythonSubmission, pythonStartSchema) },
    { method: 'POST', pattern: '/execution/image/start', auth: 'bearer', handle: start(imageSubmission, imageStartSchema) },
    {
      method: 'GET',
      pattern: '/execution/streaming/{execution_id}/status',
      auth: 'bearer',
      // `errors` shape is UNKNOWN; the fake gives the run's error text or null.
      handle: withRun((run) => json(200, { execution_id: run.executionId, status: run.status, errors: run.finish?.error ?? null })),
    },
    {
      method: 'GET',
      pattern: '/logs/execution/{execution_id}',
      auth: 'bearer',
      handle: withRun((run, { query }) => {
        const parsed = validateQuery(query, logsQuerySchema);
        if (!parsed.ok) return unprocessable(parsed.issues);
        // Oldest first, keeping the newest `limit` lines; the real ordering is UNKNOWN.
        const limit = parsed.value['limit'] as number;
        const logs = run.logLines.slice(-limit).map((line) => ({
          timestamp: new Date(line.atMs).toISOString(),
          message: line.message,
          level: 'info',
          execution_id: run.executionId,
          user_id: FAKE_USER_ID,
          hostname: 'fake-execlet-0',
          labels: { execution_id: run.executionId, stream: 'stdout' },
        }));
        return json(200, { logs, total: logs.length });
      }),
    },
    {
      method: 'POST',
      pattern: '/workloads/abort/{execution_id}',
      auth: 'bearer',
      // 404 for finished runs too: the CLI reads 404 as "not found or already stopped".
      handle: withRun((run) => {
        if (!run.abort()) return detail(404, `Execution ${run.executionId} not found or already finished`);
        return json(200, { message: `Execution ${run.executionId} aborted`, execution_id: run.executionId, status: run.status });
      }),
    },
  ];
}

/** The SSE endpoint `streaming_url` points at; GET (CLI 1.0.27) and POST (CLI 1.0.25) both work. */
export function streamRoutes(context: ExecutionRouteContext): Route[] {
  const handle: Route['handle'] = ({ params }) => {
    const run = context.store.get(params['execution_id'] ?? '');
    if (!run) return detail(404, NOT_FOUND);
    const cut = context.takeStreamCut(run.executionId);
    return { kind: 'stream', open: (response) => openEventStream(response, run, context.streamSettings(), cut) };
  };
  return [
    { method: 'GET', pattern: `${STREAM_PATH}/{execution_id}`, auth: 'stream', handle },
    { method: 'POST', pattern: `${STREAM_PATH}/{execution_id}`, auth: 'stream', handle },
  ];
}
