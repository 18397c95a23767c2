import { InvalidInputError, RunctlError } from '@runctl/core';
import { LYCEUM_API_KEY_ENV } from './lyceum-api-key.ts';

/** What a failed call was, for messages and for choosing the error. */
export interface CallContext {
  provider: string;
  /** `METHOD /path`, e.g. `POST /vms/create`. Never carries the key. */
  operation: string;
  /** Lyceum body field → the runctl input it came from, so 422s name the user's field. */
  fields?: Readonly<Record<string, string>>;
  /** Field blamed for a plain 400 (default `request`). */
  badRequestField?: string;
}

/** Lyceum's only signal for "no capacity": HTTP 500 with this text in `detail`. */
const CAPACITY_TEXT = /could not be provisioned/i;
const MAX_DETAIL = 300;

/** One item of a FastAPI `HTTPValidationError.detail`. */
interface ValidationItem {
  loc?: unknown;
  msg?: unknown;
}

/**
 * Turns an HTTP error response into a {@link RunctlError}. The cause is a
 * plain summary, never the HTTP library's error, whose request object
 * carries the Authorization header.
 */
export function errorFromResponse(status: number, data: unknown, headers: Headers | undefined, context: CallContext): RunctlError {
  const { provider, operation } = context;
  const detail = detailText(data);
  const where = `${operation} (HTTP ${status})`;
  const cause = new Error(`${where}${detail ? `: ${detail}` : ''}`);
  if (status === 422) return validationError(data, context, cause);
  if (status === 401 || status === 403) {
    return new RunctlError({
      code: 'AUTH',
      provider,
      statusCode: status,
      cause,
      message: `Lyceum refused the API key for ${where}${detail ? `: ${detail}` : ''}.`,
      hint: `Check ${LYCEUM_API_KEY_ENV} (or settings.apiKey${status === 403 ? ' and settings.orgSlug' : ''}); keys are made at https://dashboard.lyceum.technology/api-keys.`,
    });
  }
  if (status === 404) return new RunctlError({ code: 'NOT_FOUND', provider, statusCode: status, cause, message: `Lyceum has no such resource: ${where}${detail ? `: ${detail}` : ''}.` });
  if (status === 402) return new RunctlError({ code: 'QUOTA', provider, statusCode: status, cause, message: `Lyceum refused ${where} for lack of credits${detail ? `: ${detail}` : ''}.`, hint: 'Top up credits at https://dashboard.lyceum.technology.' });
  if (status === 429) {
    return new RunctlError({ code: 'RATE_LIMITED', provider, statusCode: status, cause, retryAfterMs: retryAfterMs(headers), message: `Lyceum rate-limited ${where}.` });
  }
  if (status === 500 && CAPACITY_TEXT.test(detail)) {
    return new RunctlError({
      code: 'CAPACITY',
      provider,
      statusCode: status,
      cause,
      retryable: false,
      message: `Lyceum has no capacity for this request right now (${where}): ${detail}`,
      hint: 'Try another hardware profile or GPU count, spot instead of on-demand (or the reverse), or retry later.',
    });
  }
  if (status === 400) {
    const field = context.badRequestField ?? 'request';
    return new InvalidInputError({ field, provider, cause, message: `Invalid ${field}: Lyceum rejected ${where}${detail ? `: ${detail}` : ''}.` });
  }
  return new RunctlError({
    code: 'PROVIDER',
    provider,
    statusCode: status,
    cause,
    retryable: status >= 500 || status === 408,
    message: `Lyceum failed ${where}${detail ? `: ${detail}` : ''}.`,
  });
}

/** A request that got no response: refused, reset, DNS, TLS. Retryable; whether it reached Lyceum is unknown. */
export function networkError(context: CallContext, code: string | undefined, origin: string): RunctlError {
  return new RunctlError({
    code: 'PROVIDER',
    provider: context.provider,
    retryable: true,
    message: `Could not reach Lyceum at ${origin} for ${context.operation}${code ? ` (${code})` : ''}.`,
    cause: new Error(`${context.operation}: ${code ?? 'network error'}`),
  });
}

/** A request that got no response in time. */
export function timeoutError(context: CallContext, timeoutMs: number): RunctlError {
  return new RunctlError({
    code: 'TIMEOUT',
    provider: context.provider,
    message: `Lyceum did not answer ${context.operation} within ${Math.round(timeoutMs / 1000)}s.`,
    cause: new Error(`${context.operation}: timed out`),
  });
}

/** 422: FastAPI's `HTTPValidationError`, reported with the field names it lists (values are never echoed). */
function validationError(data: unknown, context: CallContext, cause: Error): InvalidInputError {
  const items = Array.isArray((data as { detail?: unknown } | undefined)?.detail) ? ((data as { detail: ValidationItem[] }).detail) : [];
  const issues = items.map((item) => {
    const lyceumField = locPath(item.loc);
    const field = context.fields?.[lyceumField] ?? context.fields?.[lyceumField.split(/[.[]/)[0] ?? ''] ?? lyceumField;
    const message = typeof item.msg === 'string' ? item.msg.slice(0, MAX_DETAIL) : 'is invalid';
    return { field, lyceumField, message };
  });
  const first = issues[0] ?? { field: 'request', lyceumField: 'request', message: detailText(data) || 'invalid request' };
  const listed = issues.map((issue) => `${issue.lyceumField}: ${issue.message}`).join('; ');
  return new InvalidInputError({
    field: first.field,
    provider: context.provider,
    cause,
    issues: issues.length > 0 ? issues.map(({ field, message }) => ({ field, message })) : [{ field: first.field, message: first.message }],
    message: `Invalid ${first.field}: Lyceum rejected ${context.operation} (HTTP 422): ${listed || first.message}`,
  });
}

/** `["body", "instance_specs", "gpu_count"]` → `instance_specs.gpu_count`; list indexes as `[n]`. */
function locPath(loc: unknown): string {
  if (!Array.isArray(loc)) return 'request';
  const parts = loc.filter((part, index) => !(index === 0 && (part === 'body' || part === 'query' || part === 'path')));
  let path = '';
  for (const part of parts) path += typeof part === 'number' ? `[${part}]` : `${path === '' ? '' : '.'}${String(part)}`;
  return path || 'body';
}

/** The `detail` text of an error body (string bodies too), shortened. */
function detailText(data: unknown): string {
  if (typeof data === 'string') return data.trim().slice(0, MAX_DETAIL);
  const detail = (data as { detail?: unknown } | undefined)?.detail;
  if (typeof detail === 'string') return detail.slice(0, MAX_DETAIL);
  if (typeof (data as { message?: unknown } | undefined)?.message === 'string') return (data as { message: string }).message.slice(0, MAX_DETAIL);
  return '';
}

/** `Retry-After` as seconds or an HTTP date, in ms. */
function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after');
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
