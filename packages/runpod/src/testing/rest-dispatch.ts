import type { IncomingHttpHeaders } from 'node:http';
import type { FakeReply } from './fake-reply.ts';
import type { FakeState } from './fake-state.ts';
import { matchPath } from './path-pattern.ts';
import { problem, validationProblem } from './problem.ts';
import { parseQuery } from './query-params.ts';
import { REST_ROUTES } from './rest-routes.ts';
import { loadSpecDocument } from './spec-document.ts';

const HTTP_METHODS = ['GET', 'PUT', 'POST', 'PATCH', 'DELETE'];

export interface RestCall {
  readonly method: string;
  readonly path: string;
  readonly search: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
}

/** Auth, then rate limit, then routing; every authenticated answer carries the RateLimit headers. */
export function dispatchRest(call: RestCall, state: FakeState): FakeReply {
  const authFailure = checkBearer(call.headers, state.apiKey);
  if (authFailure) return authFailure;
  const quota = state.rateLimit.consume();
  if (!quota.allowed) {
    return problem(429, `rate limit exceeded for the ${quota.window} window`, {
      headers: { ...quota.headers, 'retry-after': String(quota.retryAfterSeconds) },
    });
  }
  const reply = route(call, state);
  return { ...reply, headers: { ...quota.headers, ...reply.headers } };
}

/** The spec's 401 responses carry no RateLimit headers, so none are added here. */
export function checkBearer(headers: IncomingHttpHeaders, apiKey: string): FakeReply | undefined {
  const header = headers.authorization;
  const token = header?.match(/^Bearer (.+)$/i)?.[1];
  if (token === undefined) return problem(401, 'missing bearer token');
  return token === apiKey ? undefined : problem(401, 'invalid API key');
}

function route(call: RestCall, state: FakeState): FakeReply {
  for (const candidate of REST_ROUTES) {
    if (candidate.method !== call.method) continue;
    const params = matchPath(candidate.specPath, call.path);
    if (!params) continue;
    const query = parseQuery(candidate.specPath, call.method, call.search);
    if (!query.ok) return validationProblem(query.errors);
    return candidate.handle({ ...call, params, query: query.values }, state);
  }
  return unroutable(call);
}

/** 405 (with Allow) when the spec lacks the method, 501 for spec operations the fake skips, else 404. */
function unroutable(call: RestCall): FakeReply {
  const paths = loadSpecDocument()['paths'] as Record<string, Record<string, unknown>>;
  const specPath = Object.keys(paths).find((p) => matchPath(p, call.path));
  if (specPath === undefined) return problem(404, 'resource not found');
  const allowed = HTTP_METHODS.filter((m) => paths[specPath]?.[m.toLowerCase()] !== undefined);
  if (!allowed.includes(call.method)) {
    return problem(405, 'The requested method is not allowed for this path.', { headers: { allow: allowed.join(', ') } });
  }
  return problem(501, `${call.method} ${specPath} is not implemented by the RunPod fake`);
}
