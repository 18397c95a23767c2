import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RawBody, ValidationIssue } from './fastapi-validation.ts';

/** A parsed request handed to a route handler. */
export interface ApiRequest {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: RawBody;
}

/** What a route handler answers; the dispatcher writes it (or drops it, for injected faults). */
export type ApiReply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'bytes'; status: number; body: Uint8Array; contentType: string }
  /** Takes over the response, for server-sent events. */
  | { kind: 'stream'; open: (response: ServerResponse) => void };

export function json(status: number, body: unknown, headers?: Record<string, string>): ApiReply {
  return headers ? { kind: 'json', status, body, headers } : { kind: 'json', status, body };
}

/** A FastAPI `HTTPException`-style error: `{"detail": ...}`. */
export function detail(status: number, message: unknown, headers?: Record<string, string>): ApiReply {
  return json(status, { detail: message }, headers);
}

/** FastAPI's `RequestValidationError` response. */
export function unprocessable(issues: ValidationIssue[]): ApiReply {
  return json(422, { detail: issues });
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Reads the whole body; JSON is decoded here so faults and the call log see it. */
export async function readBody(request: IncomingMessage): Promise<{ raw: RawBody; logged: unknown }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large for the fake');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { raw: { kind: 'empty' }, logged: undefined };
  try {
    const value: unknown = JSON.parse(text);
    return { raw: { kind: 'json', value }, logged: value };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message)?.[1];
    return { raw: { kind: 'invalid', position: position === undefined ? 0 : Number(position), error: message }, logged: text };
  }
}

/** Writes a non-stream reply. */
export function writeReply(response: ServerResponse, reply: Exclude<ApiReply, { kind: 'stream' }>): void {
  if (reply.kind === 'bytes') {
    response.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': reply.body.byteLength });
    response.end(reply.body);
    return;
  }
  const payload = Buffer.from(JSON.stringify(reply.body));
  response.writeHead(reply.status, { ...reply.headers, 'content-type': 'application/json', 'content-length': payload.length });
  response.end(payload);
}
