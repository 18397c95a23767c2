import type { ServerResponse } from 'node:http';
import type { FakeReply } from './fake-reply.ts';
import type { FakeState } from './fake-state.ts';
import type { LogSource } from './log-buffer.ts';
import { formatSseFrame, parseLastEventId, selectBackfill, type LogCursor } from './log-cursor.ts';
import { validationProblem } from './problem.ts';
import { podNotFound, type RestRequest } from './rest-request.ts';

/**
 * `GET /v2/pods/{id}/logs`: backfill per `Last-Event-ID` > `since` > `tail`,
 * then live lines until the client disconnects or the pod is deleted.
 */
export function streamPodLogs(req: RestRequest, state: FakeState): FakeReply {
  const id = req.params['id'] ?? '';
  if (!state.pods.has(id)) return podNotFound();

  const header = req.headers['last-event-id'];
  let cursor: LogCursor | undefined;
  if (typeof header === 'string' && header !== '') {
    cursor = parseLastEventId(header);
    if (!cursor) return validationProblem(['header.Last-Event-ID: must be a log event id or date-time']);
  }
  const source = req.query['source'] as LogSource | undefined;
  const since = req.query['since'] as string | undefined;
  const selection = {
    tail: (req.query['tail'] as number | undefined) ?? 100,
    ...(source === undefined ? {} : { source }),
    ...(since === undefined ? {} : { since }),
    ...(cursor === undefined ? {} : { lastEventId: cursor }),
  };

  return {
    status: 200,
    headers: {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
    // Backfill and subscription happen together, when the stream opens (possibly
    // after an injected delay), so no line falls between them.
    stream: (res: ServerResponse) => {
      if (!state.pods.has(id)) {
        res.end();
        return;
      }
      for (const entry of selectBackfill(state.logs.entries(id), selection)) res.write(formatSseFrame(entry));
      const unsubscribe = state.logs.subscribe(
        id,
        (entry) => {
          if (source === undefined || entry.source === source) res.write(formatSseFrame(entry));
        },
        () => res.end(),
      );
      res.on('close', unsubscribe);
    },
  };
}
