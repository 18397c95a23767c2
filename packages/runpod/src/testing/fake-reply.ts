import type { ServerResponse } from 'node:http';

/**
 * What a route decided to answer. Handlers return it instead of writing, so the
 * dispatcher can still drop the connection (`reset: 'after'`) or answer late.
 */
export interface FakeReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON; absent for 204 and streams. */
  readonly body?: unknown;
  /** Takes over the response after the head is written (SSE). */
  readonly stream?: (res: ServerResponse) => void;
}

export function json(status: number, body: unknown): FakeReply {
  return { status, headers: { 'content-type': 'application/json' }, body };
}

export function noContent(): FakeReply {
  return { status: 204 };
}

export function writeReply(res: ServerResponse, reply: FakeReply): void {
  res.writeHead(reply.status, reply.headers);
  if (reply.stream) {
    res.flushHeaders();
    reply.stream(res);
    return;
  }
  res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
}
