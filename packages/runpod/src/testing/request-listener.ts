import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeCall } from './fake-call.ts';
import { writeReply, type FakeReply } from './fake-reply.ts';
import type { FakeState } from './fake-state.ts';
import type { FakeFault } from './faults.ts';
import { handleGraphql } from './graphql-route.ts';
import { NO_INSTANCES_AVAILABLE, problem } from './problem.ts';
import { parseJsonBody, readBody } from './read-body.ts';
import { dispatchRest } from './rest-dispatch.ts';

const FAULT_DETAILS: Readonly<Record<number, string>> = {
  400: NO_INSTANCES_AVAILABLE,
  402: 'insufficient balance to deploy this pod',
  403: 'access denied',
  429: 'rate limit exceeded for the minute window',
  500: 'internal server error',
  502: 'upstream service unavailable',
  503: 'service temporarily unavailable',
};

/** Applies any injected fault around the normal handling, and logs every request. */
export function createRequestListener(
  state: FakeState,
  timers: Set<NodeJS.Timeout>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    // Only a client that vanished mid-body can reject here; there is no one left to answer.
    handleRequest(req, res, state, timers).catch(() => req.socket.destroy());
  };
}

async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  state: FakeState,
  timers: Set<NodeJS.Timeout>,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = (req.method ?? 'GET').toUpperCase();
  const fault = state.faults.take(method, url.pathname);
  const log = (status: FakeCall['status'], body: unknown): void => {
    const query = Object.fromEntries(url.searchParams);
    state.calls.push({ method, path: url.pathname, query, body, status, ...(fault ? { fault } : {}) });
  };

  if (fault && 'reset' in fault && fault.reset === 'before') {
    log('reset', undefined);
    req.socket.destroy();
    return;
  }
  const rawBody = await readBody(req);
  const parsedBody = parseJsonBody(rawBody);
  const loggedBody = parsedBody === undefined ? undefined : 'value' in parsedBody ? parsedBody.value : rawBody;

  const call = { method, path: url.pathname, search: url.searchParams, headers: req.headers, rawBody };
  const isGraphql = url.pathname === '/graphql';
  let reply: FakeReply;
  try {
    if (fault && 'status' in fault) reply = faultReply(fault, isGraphql ? {} : state.rateLimit.headers());
    else reply = isGraphql ? handleGraphql(call, state) : dispatchRest(call, state);
  } catch (error) {
    // A crash is a bug in the fake; surface it to the test as a logged 500.
    reply = problem(500, `RunPod fake crashed: ${error instanceof Error ? error.message : String(error)}`);
  }

  if (fault && 'reset' in fault) {
    // reset: 'after' — the operation above really happened; the client never hears of it.
    log('reset', loggedBody);
    req.socket.destroy();
    return;
  }
  log(reply.status, loggedBody);
  if (fault && 'delayMs' in fault) await delay(fault.delayMs, timers);
  if (res.destroyed || req.socket.destroyed) return;
  writeReply(res, reply);
}

function faultReply(
  fault: Extract<FakeFault, { status: number }>,
  rateLimitHeaders: Readonly<Record<string, string>>,
): FakeReply {
  const retryAfter = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
  return problem(fault.status, fault.detail ?? FAULT_DETAILS[fault.status] ?? 'injected failure', {
    headers: { ...rateLimitHeaders, ...retryAfter },
  });
}

/** Cleared by `close()` so a pending delay never keeps the process alive. */
function delay(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve();
    }, ms);
    timers.add(timer);
  });
}
