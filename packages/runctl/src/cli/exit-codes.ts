import { RunctlError, type RunctlErrorCode } from '@runctl/core';

/**
 * Exit codes scripts can rely on. `train --follow` and `logs -f` exit with the
 * job's own exit code instead, once the job has ended.
 */
export const EXIT_CODES = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  auth: 4,
  capacity: 5,
  timeout: 6,
  rateLimited: 7,
  provider: 8,
  /** Ctrl-C: the CLI detached; the job keeps running. */
  interrupted: 130,
} as const;

const BY_CODE: Record<RunctlErrorCode, number> = {
  INVALID_INPUT: EXIT_CODES.usage,
  UNSUPPORTED: EXIT_CODES.usage,
  NOT_FOUND: EXIT_CODES.notFound,
  INVALID_STATE: EXIT_CODES.notFound,
  AUTH: EXIT_CODES.auth,
  QUOTA: EXIT_CODES.capacity,
  CAPACITY: EXIT_CODES.capacity,
  TIMEOUT: EXIT_CODES.timeout,
  RATE_LIMITED: EXIT_CODES.rateLimited,
  PROVIDER: EXIT_CODES.provider,
  ABORTED: EXIT_CODES.interrupted,
};

/** The exit code for an error. */
export function exitCodeFor(error: unknown): number {
  return RunctlError.isInstance(error) ? BY_CODE[error.code] : EXIT_CODES.failure;
}
