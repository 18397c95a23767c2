import type { EC2Client } from '@aws-sdk/client-ec2';

type RetryStrategy = Awaited<ReturnType<EC2Client['config']['retryStrategy']>>;

/**
 * Wraps the SDK's retry strategy so that errors with one of `codes` are
 * never retried (the SDK then throws the original error at once). Every
 * other error keeps the SDK's own policy: throttling, 5xx and network
 * failures are still retried with backoff.
 */
export function withoutRetryOn(codes: ReadonlySet<string>, base: RetryStrategy): RetryStrategy {
  if (!('refreshRetryTokenForRetry' in base)) return base;
  return {
    acquireInitialRetryToken: (scope) => base.acquireInitialRetryToken(scope),
    refreshRetryTokenForRetry: (token, info) => {
      const name = (info.error as { name?: unknown } | undefined)?.name;
      if (typeof name === 'string' && codes.has(name)) return Promise.reject(info.error);
      return base.refreshRetryTokenForRetry(token, info);
    },
    recordSuccess: (token) => base.recordSuccess(token),
  };
}
