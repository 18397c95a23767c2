import { createHash, randomBytes } from 'node:crypto';

/**
 * The ClientTokens of one `createResource` call. EC2 makes RunInstances
 * idempotent per token: a retry with the same token (after a lost response,
 * throttling or a 5xx) returns the instance the first request created
 * instead of launching a second one. Each launch attempt (the primary type,
 * then each fallback) gets its own token, since it is a different request.
 *
 * The base is minted once per call, outside every retry loop. With an
 * `idempotencyKey` it is derived from the key, so a caller that crashed
 * and runs again gets the same tokens, and so the same instance.
 */
export interface LaunchTokens {
  readonly base: string;
  /** Token of attempt `index` (0 = the primary request); at most 64 ASCII characters. */
  forAttempt(index: number): string;
}

export function launchTokens(idempotencyKey?: string): LaunchTokens {
  const base = idempotencyKey === undefined
    ? `runctl-${randomBytes(16).toString('hex')}`
    : `runctl-k-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}`;
  return { base, forAttempt: (index) => `${base}-${index}` };
}
