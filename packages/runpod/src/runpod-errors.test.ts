import { InvalidInputError, RunctlError } from '@runctl/core';
import { describe, expect, it } from 'vitest';
import { httpError, isAmbiguous, retryAfterMs, transportError } from './runpod-errors.ts';
import { graphqlError } from './runpod-graphql.ts';

const problem = (status: number, detail: string, errors?: string[]) => ({ title: 'T', status, detail, ...(errors ? { errors } : {}) });
const map = (status: number, body: unknown, headers: Record<string, string> = {}) => httpError({ status, body, headers: new Headers(headers), operation: 'POST /v2/pods', provider: 'runpod' });

describe('RunPod errors', () => {
  it.each([
    [400, 'There are no longer any instances available with the requested specifications. Please refresh and try again.', 'CAPACITY', false],
    [400, 'exactly one of gpu or cpu must be set', 'INVALID_INPUT', false],
    [401, 'invalid API key', 'AUTH', false],
    [402, 'insufficient balance to deploy this pod', 'QUOTA', false],
    [403, 'access denied', 'AUTH', false],
    [404, 'pod not found', 'NOT_FOUND', false],
    [409, 'pod belongs to a cluster', 'INVALID_STATE', false],
    [429, 'rate limit exceeded for the minute window', 'RATE_LIMITED', true],
    [500, 'internal server error', 'PROVIDER', true],
    [503, 'service temporarily unavailable', 'PROVIDER', true],
  ] as const)('%i %s → %s', (status, detail, code, retryable) => {
    const error = map(status, problem(status, detail));
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.statusCode).toBe(status);
    expect(error.message).toContain(detail);
    expect(error.message).toContain('POST /v2/pods');
    expect(isAmbiguous(error)).toBe(status >= 500);
  });

  it('names every field of a 422 from errors[]', () => {
    const error = map(422, problem(422, 'Request validation failed.', ["$.gpu.count: must be >= 1", "$: additional properties 'bogus' not allowed"]));
    expect(InvalidInputError.isInstance(error)).toBe(true);
    const invalid = error as InvalidInputError;
    expect(invalid.field).toBe('request.gpu.count');
    expect(invalid.issues.map((issue) => issue.field)).toEqual(['request.gpu.count', 'request']);
    expect(invalid.message).toContain("additional properties 'bogus' not allowed");
  });

  it('takes the wait from Retry-After, else from the exhausted RateLimit window', () => {
    expect(map(429, problem(429, 'x'), { 'retry-after': '12' }).retryAfterMs).toBe(12_000);
    expect(map(429, problem(429, 'x'), { ratelimit: '"minute";r=0;t=7, "hour";r=2800;t=1812' }).retryAfterMs).toBe(7_000);
    expect(map(429, problem(429, 'x')).retryAfterMs).toBeUndefined();
    const date = new Date(Date.now() + 5_000).toUTCString();
    expect(retryAfterMs(new Headers({ 'retry-after': date }))).toBeGreaterThan(3_000);
  });

  it('marks dropped connections and timeouts as ambiguous, refused connections as not sent', () => {
    const reset = transportError(new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }), { operation: 'POST /v2/pods', provider: 'runpod', timeoutMs: 1 });
    const refused = transportError(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }), { operation: 'POST /v2/pods', provider: 'runpod', timeoutMs: 1 });
    const timeout = transportError(Object.assign(new Error('Request timed out'), { name: 'TimeoutError' }), { operation: 'POST /v2/pods', provider: 'runpod', timeoutMs: 30_000 });
    expect([reset.code, isAmbiguous(reset), reset.retryable]).toEqual(['PROVIDER', true, true]);
    expect([refused.code, isAmbiguous(refused), refused.retryable]).toEqual(['PROVIDER', false, true]);
    expect([timeout.code, isAmbiguous(timeout)]).toEqual(['TIMEOUT', true]);
    const controller = new AbortController();
    controller.abort();
    expect(transportError(new Error('aborted'), { operation: 'GET /v2/pods', provider: 'runpod', signal: controller.signal, timeoutMs: 1 }).code).toBe('ABORTED');
  });

  it.each([
    ['There are no longer any instances available with the requested specifications.', 'CAPACITY'],
    ['Your bid price is below the minimum bid of $0.29/hr per GPU.', 'CAPACITY'],
    ['You do not have enough funds to rent this pod.', 'QUOTA'],
    ['Unauthorized', 'AUTH'],
    ['Template "x" not found.', 'NOT_FOUND'],
    ['Something odd', 'PROVIDER'],
  ] as const)('GraphQL 200-with-errors %j → %s', (message, code) => {
    const error = graphqlError([message], 'podRentInterruptable', 'runpod');
    expect(RunctlError.hasCode(error, code)).toBe(true);
    expect(error.message).toContain(message);
  });
});
