import { createHash } from 'node:crypto';
import type { KyInstance } from 'ky';
import { RunctlError, anySignal, parseRateLimit, rateBudgetFor, withRetry, type RateBudget, type RequestPriority } from '@runctl/core';
import { asProblem, httpError, retryAfterMs, transportError } from './runpod-errors.ts';
import type { ResolvedRunpodSettings } from './runpod-settings.ts';

/** One call to the RunPod API. */
export interface RunpodRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under the REST base URL (`/pods/abc`), or an absolute URL (GraphQL). */
  path: string;
  json?: unknown;
  searchParams?: Readonly<Record<string, string | number | boolean | undefined>>;
  headers?: Readonly<Record<string, string>>;
  signal?: AbortSignal | undefined;
  /**
   * Retry retryable failures (429, 5xx, timeouts, dropped connections) with
   * backoff. Default: every method but POST, which is never retried blindly.
   */
  retry?: boolean;
}

/** The HTTP client of one provider instance: ky underneath, runctl errors out. */
export interface RunpodHttp {
  /** Sends a request and parses the JSON answer (`undefined` for an empty body such as 204). */
  json<T>(request: RunpodRequest): Promise<T | undefined>;
  /** Sends a request and returns the open response for streaming (no body timeout, no retry). */
  stream(request: RunpodRequest): Promise<Response>;
}

const USER_AGENT = 'runctl-runpod/0.1';

// Deletes (terminate) go first, creates next, polling last.
const PRIORITY: Record<RunpodRequest['method'], RequestPriority> = { DELETE: 'high', POST: 'normal', PUT: 'normal', PATCH: 'normal', GET: 'low' };

/**
 * Builds the client. Auth is resolved per request through `apiKey`, so a
 * missing key fails the first call with `AUTH`, never the import. Every
 * request takes a token from the account's process-wide rate budget
 * (core's `RateBudget`), which every response feeds: a 429 pauses all
 * callers for its `Retry-After`, and a `RateLimit` window with nothing
 * left pauses them until it resets.
 */
export function createRunpodHttp(settings: ResolvedRunpodSettings, apiKey: () => string): RunpodHttp {
  const provider = settings.name;
  const budgetFor = (key: string): RateBudget => {
    // One budget per account and endpoint, shared by every provider instance in the process; keyed by a hash, never the key.
    const account = createHash('sha256').update(`${settings.baseURL}\n${key}`).digest('hex').slice(0, 24);
    return rateBudgetFor(`runpod:${account}`, { ratePerSecond: settings.rateLimit.requestsPerSecond, burst: settings.rateLimit.burst });
  };
  // ky loads on the first request (~50 ms of import time nobody should pay for creating a provider).
  let loading: Promise<KyInstance> | undefined;
  const client = async (url: string, options: Parameters<KyInstance>[1]): Promise<Response> => {
    loading ??= import('ky').then(({ default: ky }) =>
      ky.create({
        timeout: settings.timeoutMs,
        retry: 0, // retries happen in withRetry, where creates are excluded
        throwHttpErrors: false,
        ...(settings.fetch ? { fetch: settings.fetch } : {}),
      }),
    );
    return (await loading)(url, options);
  };

  const send = async (request: RunpodRequest, accept: string, bodyTimeout?: AbortSignal): Promise<{ response: Response; operation: string }> => {
    const url = /^https?:\/\//.test(request.path) ? request.path : `${settings.baseURL}${request.path}`;
    const operation = `${request.method} ${new URL(url).pathname}`;
    const key = apiKey();
    const budget = budgetFor(key);
    await budget.acquire({ priority: PRIORITY[request.method], signal: request.signal });
    const authorization = `Bearer ${key}`;
    let response: Response;
    try {
      response = await client(url, {
        method: request.method,
        ...(request.json === undefined ? {} : { json: request.json }),
        ...(request.searchParams ? { searchParams: definedOnly(request.searchParams) } : {}),
        headers: { ...settings.headers, ...request.headers, accept, authorization, 'user-agent': USER_AGENT },
        ...withSignal(anySignal(request.signal, bodyTimeout)),
      });
    } catch (error) {
      throw transportError(error, { operation, provider, signal: request.signal, timeoutMs: settings.timeoutMs });
    }
    budget.observe(response.status, budgetHeaders(response, settings.retry.maxDelayMs));
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw httpError({ status: response.status, body: parseBody(text), headers: response.headers, operation, provider });
    }
    return { response, operation };
  };

  const once = async <T>(request: RunpodRequest): Promise<T | undefined> => {
    // The per-attempt timeout covers the body too: a stalled body aborts like a stalled head.
    const bodyTimeout = new AbortController();
    const { response, operation } = await send(request, 'application/json', bodyTimeout.signal);
    const timer = setTimeout(() => bodyTimeout.abort(new DOMException('body read timed out', 'TimeoutError')), settings.timeoutMs);
    try {
      return parseBody(await response.text()) as T | undefined;
    } catch (error) {
      throw transportError(error, { operation, provider, signal: request.signal, timeoutMs: settings.timeoutMs });
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    async json<T>(request: RunpodRequest): Promise<T | undefined> {
      if (!(request.retry ?? request.method !== 'POST')) return once<T>(request);
      try {
        return await withRetry(
          () =>
            once<T>(request).catch((error: unknown) => {
              // A wait longer than the retry cap is the caller's decision: surface RATE_LIMITED with retryAfterMs now.
              if (RunctlError.isInstance(error) && (error.retryAfterMs ?? 0) > settings.retry.maxDelayMs) throw new GiveUp(error);
              throw error;
            }),
          { policy: settings.retry, signal: request.signal },
        );
      } catch (error) {
        throw error instanceof GiveUp ? error.error : error;
      }
    },
    async stream(request: RunpodRequest): Promise<Response> {
      return (await send(request, 'text/event-stream')).response;
    },
  };
}

/** Carries an error through `withRetry` without being retried. */
class GiveUp {
  readonly error: RunctlError;
  constructor(error: RunctlError) {
    this.error = error;
  }
}

/**
 * What the rate budget learns from a response. Pauses are capped at the retry
 * cap: a 429 pauses for its `Retry-After` (or a spent window's reset, else
 * 1 s), and a spent `RateLimit` window pauses until its reset, unless either
 * is longer than the cap; then requests go out and fail fast with
 * `RATE_LIMITED` and `retryAfterMs`, rather than hang for an hour.
 */
function budgetHeaders(response: Response, maxDelayMs: number): Headers {
  if (response.status === 429) return new Headers({ 'retry-after': String(Math.min(retryAfterMs(response.headers) ?? 1_000, maxDelayMs) / 1_000) });
  const limit = parseRateLimit(response.headers.get('ratelimit'));
  if (limit === undefined || limit.remaining > 0 || limit.resetMs <= maxDelayMs) return response.headers;
  const headers = new Headers(response.headers);
  headers.delete('ratelimit');
  return headers;
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return asProblem(text).detail;
  }
}

function definedOnly(params: Readonly<Record<string, string | number | boolean | undefined>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) if (value !== undefined) result[key] = String(value);
  return result;
}

function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}
