import type { IncomingHttpHeaders } from 'node:http';
import type { FakeReply } from './fake-reply.ts';
import type { FakeState } from './fake-state.ts';
import { problem, validationProblem } from './problem.ts';
import { parseJsonBody } from './read-body.ts';
import { validateComponent } from './spec-validator.ts';

export interface RestRequest {
  readonly method: string;
  readonly path: string;
  /** Path parameters, URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** Query parameters decoded and validated against the operation's spec. */
  readonly query: Readonly<Record<string, unknown>>;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
}

export interface RestRoute {
  readonly method: string;
  /** The spec's path template; also the pattern matched against the request path. */
  readonly specPath: string;
  readonly handle: (req: RestRequest, state: FakeState) => FakeReply;
}

/** Parses the JSON body and validates it against a spec component; a failure carries the reply. */
export function readValidBody<T>(
  req: RestRequest,
  schemaName: string,
): { readonly ok: true; readonly body: T } | { readonly ok: false; readonly reply: FakeReply } {
  const parsed = parseJsonBody(req.rawBody);
  if (parsed === undefined) return { ok: false, reply: problem(400, 'request body is required') };
  if ('invalid' in parsed) return { ok: false, reply: problem(400, 'request body is not valid JSON') };
  const errors = validateComponent(schemaName, parsed.value);
  if (errors.length > 0) return { ok: false, reply: validationProblem(errors) };
  return { ok: true, body: parsed.value as T };
}

export function podNotFound(): FakeReply {
  return problem(404, 'pod not found');
}
