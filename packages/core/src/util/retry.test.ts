import { describe, expect, it } from 'vitest';
import { RunctlError } from '../errors/runctl-error.ts';
import { backoffDelay, DEFAULT_RETRY_POLICY, withRetry } from './retry.ts';

describe('withRetry', () => {
  it('retries retryable errors, honouring retryAfterMs', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new RunctlError({ code: 'RATE_LIMITED', message: '429', retryAfterMs: 5 });
        return 'ok';
      },
      { onRetry: (_error, delay) => delays.push(delay) },
    );
    expect(result).toBe('ok');
    expect(delays).toEqual([5, 5]);
  });

  it('does not retry errors that are not retryable, nor beyond maxRetries', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw new RunctlError({ code: 'AUTH', message: 'no' }); })).rejects.toThrow('no');
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      withRetry(async () => { calls++; throw new RunctlError({ code: 'PROVIDER', message: '500', retryable: true, retryAfterMs: 1 }); }, { policy: { maxRetries: 2 } }),
    ).rejects.toThrow('500');
    expect(calls).toBe(3);
  });

  it('stops waiting as soon as the signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    const error = await withRetry(async () => { throw new RunctlError({ code: 'TIMEOUT', message: 't', retryAfterMs: 10_000 }); }, { signal: controller.signal }).catch((e: unknown) => e);
    expect(RunctlError.hasCode(error, 'ABORTED')).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('backs off exponentially with jitter under a cap', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, initialDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(400);
    expect(backoffDelay(10, policy, () => 1)).toBe(1_000);
  });
});
