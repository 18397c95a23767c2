import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './invalid-input-error.ts';
import { NoSuchProviderError } from './no-such-provider-error.ts';
import { RunctlError } from './runctl-error.ts';
import { redactSecrets, registerSecret } from './secret-registry.ts';
import { toRunctlError } from './to-runctl-error.ts';

describe('RunctlError', () => {
  it('carries code, provider, retryable and cause', () => {
    const cause = new Error('socket hang up');
    const error = new RunctlError({ code: 'RATE_LIMITED', message: 'slow down', provider: 'runpod', cause, retryAfterMs: 2000 });
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.provider).toBe('runpod');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(2000);
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
    expect(new RunctlError({ code: 'AUTH', message: 'no' }).retryable).toBe(false);
  });

  it('is recognised across copies of the package through its Symbol.for brand', () => {
    // A plain object carrying the brand stands in for an error from another copy.
    const foreign = Object.assign(new Error('x'), { [Symbol.for('runctl.error')]: true, code: 'NOT_FOUND' });
    expect(RunctlError.isInstance(foreign)).toBe(true);
    expect(RunctlError.hasCode(foreign, 'NOT_FOUND')).toBe(true);
    expect(RunctlError.isInstance(new Error('plain'))).toBe(false);
    expect(RunctlError.isInstance(null)).toBe(false);
    expect(InvalidInputError.isInstance(new RunctlError({ code: 'INVALID_INPUT', message: 'x' }))).toBe(false);
    expect(InvalidInputError.isInstance(new InvalidInputError({ field: 'a', message: 'b' }))).toBe(true);
  });

  it('scrubs registered secrets from the message, hint and cause', () => {
    registerSecret('rpa_SUPERSECRETKEY123');
    const cause = new Error('401 for key rpa_SUPERSECRETKEY123');
    const error = new RunctlError({ code: 'AUTH', message: 'bad key rpa_SUPERSECRETKEY123', hint: 'check rpa_SUPERSECRETKEY123', cause });
    expect(error.message).toBe('bad key ***');
    expect(error.hint).toBe('check ***');
    expect(String((error.cause as Error).message)).toBe('401 for key ***');
    expect((error.cause as Error).stack).not.toContain('SUPERSECRET');
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('SUPERSECRET');
  });

  it('does not scrub tiny values, which would mangle ordinary text', () => {
    registerSecret('ab');
    expect(redactSecrets('abc')).toBe('abc');
    expect(redactSecrets('token xyz1', ['xyz1'])).toBe('token ***');
  });

  it('NoSuchProviderError lists what is available', () => {
    const error = new NoSuchProviderError('aws', ['local', 'runpod']);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('local, runpod');
    expect(error.availableProviders).toEqual(['local', 'runpod']);
  });

  it('toRunctlError keeps runctl errors and wraps the rest', () => {
    const original = new RunctlError({ code: 'QUOTA', message: 'broke' });
    expect(toRunctlError(original)).toBe(original);
    const wrapped = toRunctlError(new TypeError('boom'), 'lyceum');
    expect(wrapped.code).toBe('PROVIDER');
    expect(wrapped.provider).toBe('lyceum');
    expect(wrapped.message).toBe('boom');
  });
});
