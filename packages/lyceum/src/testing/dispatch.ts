import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { authFailure } from './auth.ts';
import type { FakeCall, FakeFault } from './fake-types.ts';
import type { FaultInjector } from './fault-injector.ts';
import { detail, readBody, writeReply, type ApiReply } from './http-io.ts';
import type { RouteMatch } from './router.ts';

/** Base path of Lyceum's external API. */
export const API_BASE_PATH = '/api/v2/external';

/** Lyceum's no-capacity answer: HTTP 500, recognisable only by this text (skypilot-lyceum quirk C7). */
export const CAPACITY_DETAIL = 'The instance could not be provisioned right now. Please try again in a moment.';

/** What {@link createDispatcher} needs. */
export interface DispatchContext {
  route: (method: string, path: string) => RouteMatch;
  faults: FaultInjector;
  calls: FakeCall[];
  apiKey: string;
  streamRequiresAuth: boolean;
}

/**
 * Handles one request: log it, apply an injected fault, then route and
 * authenticate in FastAPI's order (unknown paths 404 before auth; auth
 * 401s before body validation).
 */
export function createDispatcher(context: DispatchContext): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake-lyceum');
    const method = request.method ?? 'GET';
    const { raw, logged } = await readBody(request);
    const call: FakeCall = {
      method,
      path: url.pathname,
      route: url.pathname.startsWith(`${API_BASE_PATH}/`) ? url.pathname.slice(API_BASE_PATH.length) : url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: header(request, 'authorization'),
      orgSlug: header(request, 'x-org-slug'),
      body: logged,
      status: undefined,
      fault: undefined,
      at: Date.now(),
    };
    context.calls.push(call);
    const fault = context.faults.take(call);
    call.fault = fault;

    const early = fault ? await applyFaultBefore(fault, request) : undefined;
    if (early === 'reset') return;
    const reply = early ?? (await routeAndHandle(context, call, url, raw));
    if (fault && 'reset' in fault && fault.reset === 'after') {
      // The operation happened; only the response is lost.
      request.socket.destroy();
      return;
    }
    call.status = reply.kind === 'stream' ? 200 : reply.status;
    if (reply.kind === 'stream') reply.open(response);
    else writeReply(response, reply);
  };
}

async function applyFaultBefore(fault: FakeFault, request: IncomingMessage): Promise<ApiReply | 'reset' | undefined> {
  if ('delayMs' in fault) {
    await sleep(fault.delayMs);
    return undefined;
  }
  if ('capacity' in fault) return detail(500, CAPACITY_DETAIL);
  if ('status' in fault) {
    const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
    return detail(fault.status, fault.detail ?? defaultFaultDetail(fault.status), headers);
  }
  if (fault.reset === 'before') {
    request.socket.destroy();
    return 'reset';
  }
  return undefined;
}

async function routeAndHandle(context: DispatchContext, call: FakeCall, url: URL, raw: Awaited<ReturnType<typeof readBody>>['raw']): Promise<ApiReply> {
  const match = context.route(call.method, url.pathname);
  if (match.kind === 'not-found') return detail(404, 'Not Found');
  if (match.kind === 'method-not-allowed') return detail(405, 'Method Not Allowed');
  const denied = authFailure(call.authorization, context.apiKey, match.route.auth, context.streamRequiresAuth);
  if (denied) return denied;
  try {
    return await match.route.handle({ method: call.method, params: match.params, query: url.searchParams, body: raw });
  } catch (error) {
    return detail(500, `fake Lyceum handler failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function defaultFaultDetail(status: number): string {
  return status === 429 ? 'Too many requests' : status === 503 ? 'Service temporarily unavailable' : 'Internal Server Error';
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
