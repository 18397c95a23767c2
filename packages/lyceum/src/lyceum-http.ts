import type { KyInstance } from 'ky';
import { RunctlError, abortError, causeCode, withRetry, type RequestPriority, type ResolvedRetryPolicy } from '@runctl/core';
import { errorFromResponse, networkError, timeoutError, type CallContext } from './lyceum-errors.ts';
import { METHOD_PRIORITY, budgetHints, lyceumRateBudget, type LyceumRateLimit } from './lyceum-rate-budget.ts';

/** Options of one API call. */
export interface LyceumRequestOptions {
  searchParams?: Readonly<Record<string, string | number | boolean>>;
  json?: unknown;
  signal?: AbortSignal | undefined;
  /**
   * The call may be repeated safely (reads, deletes, aborts): it is retried
   * on 429, 5xx, timeouts and network errors. Other calls are sent once.
   */
  idempotent?: boolean;
  /** Lyceum body field → runctl input, so 422s name the user's field. */
  fields?: Readonly<Record<string, string>>;
  /** Field blamed for a plain 400. */
  badRequestField?: string;
  /**
   * Place in the account's rate budget when calls queue. Default by method:
   * DELETE high, POST normal, GET low; aborts pass `high` themselves.
   */
  priority?: RequestPriority;
}

/** Options of {@link LyceumHttp.open}. */
export interface LyceumOpenOptions {
  method?: 'GET' | 'POST';
  signal?: AbortSignal | undefined;
  accept?: string;
  /** Send the API key. Only ever for URLs on the API's own origin. */
  withAuth?: boolean;
}

/** The HTTP side of the provider: every request goes through here, and through ky. */
export interface LyceumHttp {
  /** Origin of the API, e.g. `https://api.lyceum.technology`. */
  readonly origin: string;
  /** Calls `METHOD <baseURL>/<path>` and decodes the JSON answer (undefined when empty). */
  request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, options?: LyceumRequestOptions): Promise<T>;
  /** Opens a URL and hands back the response with its body unread (streams, downloads). */
  open(url: URL, options?: LyceumOpenOptions): Promise<Response>;
  /** Throws `AUTH` now if there is no API key, before any side effect. */
  requireApiKey(): void;
}

/** What {@link createLyceumHttp} needs. */
export interface LyceumHttpConfig {
  provider: string;
  baseURL: string;
  apiKey: () => string;
  orgSlug: string | undefined;
  headers: Readonly<Record<string, string>>;
  fetch: typeof globalThis.fetch | undefined;
  timeoutMs: number;
  retry: ResolvedRetryPolicy;
  rateLimit: LyceumRateLimit;
}

const USER_AGENT = 'runctl-lyceum/0.1';

/**
 * The Lyceum HTTP client. ky's own retries are off: retries go through
 * runctl's `withRetry`, only for idempotent calls, so a VM creation or a run
 * submission is never sent twice by accident. Errors become
 * {@link RunctlError}s that never carry the request (or its key).
 *
 * Every request to the API's origin, retries included, first takes a token
 * from the account's process-wide rate budget (core's `RateBudget`), and
 * every answer feeds it: a 429 pauses all callers for its `Retry-After`.
 */
export function createLyceumHttp(config: LyceumHttpConfig): LyceumHttp {
  const origin = new URL(config.baseURL).origin;
  // ky loads on the first request (~50 ms of import time nobody should pay for creating a provider).
  let kyModule: typeof import('ky') | undefined;
  let loading: Promise<KyInstance> | undefined;
  const client = async (path: string | URL, options: Parameters<KyInstance>[1]): Promise<Response> => {
    loading ??= import('ky').then((module) => {
      kyModule = module;
      return module.default.create({
        prefix: `${config.baseURL}/`,
        timeout: config.timeoutMs,
        retry: 0,
        headers: { 'user-agent': USER_AGENT, ...config.headers },
        ...(config.fetch ? { fetch: config.fetch } : {}),
      });
    });
    return (await loading)(path, options);
  };
  const isHTTPError = (error: unknown): error is import('ky').HTTPError => kyModule?.isHTTPError(error) === true;
  const isTimeoutError = (error: unknown): boolean => kyModule?.isTimeoutError(error) === true;
  const authHeaders = (): Record<string, string> => ({
    authorization: `Bearer ${config.apiKey()}`,
    ...(config.orgSlug ? { 'x-org-slug': config.orgSlug } : {}),
  });

  /** Waits for a token, sends, and tells the budget how it went (429s included: ky throws them). */
  const paced = async (priority: RequestPriority, signal: AbortSignal | undefined, send: () => Promise<Response>): Promise<Response> => {
    const budget = lyceumRateBudget(config.baseURL, config.apiKey(), config.rateLimit);
    await budget.acquire({ priority, signal });
    try {
      const response = await send();
      budget.observe(response.status, budgetHints(response, config.retry.maxDelayMs));
      return response;
    } catch (error) {
      if (isHTTPError(error)) budget.observe(error.response.status, budgetHints(error.response, config.retry.maxDelayMs));
      throw error;
    }
  };

  const once = async <T>(method: 'GET' | 'POST' | 'DELETE', path: string, options: LyceumRequestOptions, context: CallContext): Promise<T> => {
    try {
      const response = await paced(options.priority ?? METHOD_PRIORITY[method], options.signal, () =>
        client(path, {
          method,
          headers: authHeaders(),
          ...(options.json === undefined ? {} : { json: options.json }),
          ...(options.searchParams ? { searchParams: { ...options.searchParams } } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      );
      const text = await response.text();
      if (text.trim() === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new RunctlError({ code: 'PROVIDER', provider: config.provider, retryable: true, message: `Lyceum answered ${context.operation} with a body that is not JSON.` });
      }
    } catch (error) {
      throw toRunctl(error, context, options.signal);
    }
  };

  const toRunctl = (error: unknown, context: CallContext, signal: AbortSignal | undefined): RunctlError => {
    if (signal?.aborted) return abortError(signal, config.provider);
    if (RunctlError.isInstance(error)) return error;
    if (isHTTPError(error)) return errorFromResponse(error.response.status, error.data, error.response.headers, context);
    if (isTimeoutError(error)) return timeoutError(context, config.timeoutMs);
    // Network failures, and body reads that break after the headers arrived (reset mid-body).
    return networkError(context, causeCode(error), origin);
  };

  return {
    origin,
    requireApiKey() {
      config.apiKey();
    },
    request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, options: LyceumRequestOptions = {}): Promise<T> {
      const context: CallContext = {
        provider: config.provider,
        operation: `${method} /${path.split('?')[0]}`,
        ...(options.fields ? { fields: options.fields } : {}),
        ...(options.badRequestField ? { badRequestField: options.badRequestField } : {}),
      };
      if (!options.idempotent) return once<T>(method, path, options, context);
      return withRetry(() => once<T>(method, path, options, context), { policy: config.retry, signal: options.signal });
    },

    async open(url: URL, options: LyceumOpenOptions = {}): Promise<Response> {
      const method = options.method ?? 'GET';
      const context: CallContext = { provider: config.provider, operation: `${method} ${url.pathname}` };
      const send = (): Promise<Response> =>
        client(url, {
          method,
          headers: { accept: options.accept ?? '*/*', ...(options.withAuth ? authHeaders() : {}) },
          ...(options.signal ? { signal: options.signal } : {}),
        });
      try {
        // Streams and downloads are reads: last in line. Other origins are not the API and not paced.
        return await (url.origin === origin ? paced('low', options.signal, send) : send());
      } catch (error) {
        throw toRunctl(error, context, options.signal);
      }
    },
  };
}
