import { InvalidInputError, RunctlError, abortError, causeCode, parseRateLimit, parseRetryAfter } from '@runctl/core';

/** RFC 9457 problem body as RunPod sends it (`ErrorResponse`). */
export interface RunpodProblem {
  title?: string;
  status?: number;
  detail?: string;
  errors?: string[];
}

// RunPod gives capacity failures no machine-readable code, only this kind of text.
const CAPACITY_TEXT = /no longer any instances available|no instances (are )?available|not enough (free )?(gpus|machines|capacity)|out of capacity|insufficient capacity|no (gpu|machine)s? (is |are )?available/i;

// Errors whose request may already have taken effect: the only ones after which a create must look before it retries.
const maybeApplied = new WeakSet<RunctlError>();

/** True when the failed request may still have been carried out (a create may have made a pod). */
export function isAmbiguous(error: unknown): boolean {
  return RunctlError.isInstance(error) && maybeApplied.has(error);
}

/** Whether a 400 detail reads as "no capacity" rather than a rule violation. */
export function isCapacityText(text: string): boolean {
  return CAPACITY_TEXT.test(text);
}

/**
 * How long the server asked us to wait, in ms: `Retry-After` (seconds or an
 * HTTP date), else the reset of a spent `RateLimit` window.
 */
export function retryAfterMs(headers: Headers): number | undefined {
  const retryAfter = parseRetryAfter(headers.get('retry-after'));
  if (retryAfter !== undefined) return retryAfter;
  const limit = parseRateLimit(headers.get('ratelimit'));
  return limit !== undefined && limit.remaining === 0 ? limit.resetMs : undefined;
}

/** Maps an HTTP error response of `operation` (e.g. `POST /v2/pods`) to a {@link RunctlError}. */
export function httpError(options: { status: number; body: unknown; headers: Headers; operation: string; provider: string }): RunctlError {
  const { status, headers, operation, provider } = options;
  const problem = asProblem(options.body);
  const detail = problem.detail ?? problem.title ?? `HTTP ${status}`;
  const message = `RunPod ${operation} failed (${status}${problem.title ? ` ${problem.title}` : ''}): ${detail}`;
  const base = { provider, statusCode: status, message };
  switch (true) {
    case status === 400 && isCapacityText(detail):
      return new RunctlError({ ...base, code: 'CAPACITY', hint: 'No machine has this GPU free right now. Try another GPU type, cloud (SECURE/COMMUNITY) or data center, or try again later.' });
    case status === 400:
      return new RunctlError({ ...base, code: 'INVALID_INPUT', retryable: false });
    case status === 401:
      return new RunctlError({ ...base, code: 'AUTH', hint: 'Check RUNPOD_API_KEY: the key is missing, wrong or revoked.' });
    case status === 402:
      return new RunctlError({ ...base, code: 'QUOTA', hint: 'Your RunPod balance is too low for this pod. Add funds in the console (Billing).' });
    case status === 403:
      return new RunctlError({ ...base, code: 'AUTH', hint: 'The key lacks the permission (read/write scope), or the account cannot use this GPU pool.' });
    case status === 404:
      return new RunctlError({ ...base, code: 'NOT_FOUND' });
    case status === 409:
      return new RunctlError({ ...base, code: 'INVALID_STATE' });
    case status === 422:
      return validationError(problem, message, provider);
    case status === 429:
      return new RunctlError({ ...base, code: 'RATE_LIMITED', retryable: true, retryAfterMs: retryAfterMs(headers), hint: 'RunPod limits requests per minute, hour and day per user; runctl waits and retries reads on its own.' });
    case status >= 500: {
      const error = new RunctlError({ ...base, code: 'PROVIDER', retryable: true });
      maybeApplied.add(error);
      return error;
    }
    default:
      return new RunctlError({ ...base, code: 'PROVIDER' });
  }
}

/** A 422: the request broke the API contract. Names each field from `errors[]` (`$.gpu.count: …`). */
function validationError(problem: RunpodProblem, message: string, provider: string): RunctlError {
  const issues = (problem.errors ?? []).map((entry) => {
    const match = /^\$?\.?([^:\s]*):\s*(.*)$/s.exec(entry);
    return match ? { field: match[1] === '' ? 'request' : `request.${match[1]}`, message: match[2] ?? entry } : { field: 'request', message: entry };
  });
  const first = issues[0] ?? { field: 'request', message: problem.detail ?? 'validation failed' };
  const fields = issues.length > 0 ? ` (${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')})` : '';
  return new InvalidInputError({ field: first.field, provider, message: `${message}${fields}`, issues: issues.length > 0 ? issues : [first] });
}

/**
 * Maps a failure without an HTTP answer: abort, timeout, refused or dropped
 * connection. Causes are rebuilt from name, message and code only, so no
 * request object (with its Authorization header) ever hangs off an error.
 */
export function transportError(error: unknown, options: { operation: string; provider: string; signal?: AbortSignal | undefined; timeoutMs: number }): RunctlError {
  const { operation, provider, signal } = options;
  if (RunctlError.isInstance(error)) return error;
  if (signal?.aborted) return abortError(signal, provider);
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === 'TimeoutError') {
    const timeout = new RunctlError({ code: 'TIMEOUT', provider, retryable: true, message: `RunPod ${operation} got no answer within ${options.timeoutMs}ms.`, cause: plainCause(error) });
    maybeApplied.add(timeout);
    return timeout;
  }
  const code = causeCode(error);
  const notSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  const failure = new RunctlError({
    code: 'PROVIDER',
    provider,
    retryable: code !== 'ENOTFOUND',
    message: `RunPod ${operation} failed: ${notSent ? 'could not connect' : 'the connection broke'} (${code ?? describe(error)}).`,
    cause: plainCause(error),
  });
  if (!notSent) maybeApplied.add(failure);
  return failure;
}

/** The problem body, or a best effort from a GraphQL-style or text body. */
export function asProblem(body: unknown): RunpodProblem {
  if (typeof body === 'string') return body.trim() === '' ? {} : { detail: body.trim().slice(0, 500) };
  if (typeof body !== 'object' || body === null) return {};
  const record = body as Record<string, unknown>;
  const graphqlMessage = Array.isArray(record['errors']) ? (record['errors'][0] as { message?: unknown } | undefined)?.message : undefined;
  return {
    ...(typeof record['title'] === 'string' ? { title: record['title'] } : {}),
    ...(typeof record['status'] === 'number' ? { status: record['status'] } : {}),
    ...(typeof record['detail'] === 'string' ? { detail: record['detail'] } : typeof graphqlMessage === 'string' ? { detail: graphqlMessage } : {}),
    ...(Array.isArray(record['errors']) && record['errors'].every((entry) => typeof entry === 'string') ? { errors: record['errors'] as string[] } : {}),
  };
}

function describe(error: unknown): string {
  const messages: string[] = [];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    messages.push(current.message);
    current = current.cause;
  }
  return messages.join(': ') || String(error);
}

function plainCause(error: unknown): Error {
  const cause = new Error(describe(error));
  cause.name = (error as { name?: string } | undefined)?.name ?? 'Error';
  const code = causeCode(error);
  if (code !== undefined) (cause as Error & { code?: string }).code = code;
  return cause;
}
