import { RunctlError, abortError, causeCode, type RunctlErrorCode } from '@runctl/core';

/** Errors that mean "no capacity for this request": try the next fallback (type or zone). */
export const CAPACITY_ERROR_CODES: ReadonlySet<string> = new Set([
  'InsufficientInstanceCapacity',
  'InsufficientCapacity',
  'InsufficientHostCapacity',
  'InsufficientCapacityOnHost',
  'InsufficientReservedInstanceCapacity',
  'UnfulfillableCapacity',
  // "Your requested instance type is not supported in your requested Availability Zone".
  'Unsupported',
]);

const THROTTLING = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'EC2ThrottledException',
  'SlowDown',
]);

const AUTH = new Set([
  'UnauthorizedOperation',
  'AccessDenied',
  'AccessDeniedException',
  'AuthFailure',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'OptInRequired',
  'Blocked',
  'CredentialsProviderError',
]);

const QUOTA = new Set([
  'InstanceLimitExceeded',
  'VcpuLimitExceeded',
  'MaxSpotInstanceCountExceeded',
  'ResourceLimitExceeded',
  'ServiceQuotaExceededException',
  'InsufficientFreeAddressesInSubnet',
  'VolumeLimitExceeded',
]);

const NOT_FOUND = new Set([
  'InvalidInstanceID.NotFound',
  'InvalidInstanceID.Malformed',
  'InvalidInstanceId',
  'InvocationDoesNotExist',
  'ParameterNotFound',
  'NoSuchKey',
  'NoSuchBucket',
  'NotFound',
]);

const INVALID = new Set([
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'InvalidParameter',
  'MissingParameter',
  'UnknownParameter',
  'InvalidAMIID.Malformed',
  'InvalidAMIID.NotFound',
  'InvalidSubnetID.NotFound',
  'InvalidGroup.NotFound',
  'InvalidGroupId.Malformed',
  'InvalidKeyPair.NotFound',
  'IdempotentParameterMismatch',
  'SpotMaxPriceTooLow',
  'ValidationException',
  'InvalidParameters',
  'InvalidDocument',
  'InvalidBucketName',
]);

const HINTS: Partial<Record<RunctlErrorCode, string>> = {
  CAPACITY: 'EC2 has no capacity for this type in this zone right now. Pass `fallbacks` (other types or zones), or try spot/on-demand or another region.',
  QUOTA: 'Your account limit is too low (vCPU quotas are per instance family and per spot/on-demand). Request an increase in the Service Quotas console.',
  RATE_LIMITED: 'AWS throttled the calls; runctl already retried with backoff. Poll less often or share one provider.',
};

/** Facts of an AWS SDK error that are safe to show (never the request or response objects). */
export interface AwsErrorFacts {
  name: string;
  message: string;
  statusCode: number | undefined;
  fault: 'client' | 'server' | undefined;
  /** Socket error code of a failure without an HTTP answer (`ECONNRESET`, …). */
  socketCode: string | undefined;
}

/** Name, message, status and socket code of anything an SDK call threw. */
export function awsErrorFacts(error: unknown): AwsErrorFacts {
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const metadata = record['$metadata'] as { httpStatusCode?: unknown } | undefined;
  const statusCode = typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
  const fault = record['$fault'] === 'server' || record['$fault'] === 'client' ? record['$fault'] : undefined;
  return {
    name: typeof record['name'] === 'string' ? record['name'] : 'Error',
    message: typeof record['message'] === 'string' ? record['message'] : String(error),
    statusCode,
    fault,
    socketCode: causeCode(error, isSocketCode),
  };
}

/** An SDK error that means "slow down": a throttling code, HTTP 429, or the SDK's own throttling trait. */
export function isThrottlingError(error: unknown): boolean {
  const facts = awsErrorFacts(error);
  const trait = (error as { $retryable?: { throttling?: unknown } } | undefined)?.$retryable?.throttling === true;
  return THROTTLING.has(facts.name) || facts.statusCode === 429 || trait;
}

/** The AWS error code (`error.name`) of an SDK error, or undefined. */
export function awsErrorCode(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * Maps anything an AWS SDK call threw to a {@link RunctlError}. `operation`
 * names the call (`RunInstances g5.xlarge`). The cause keeps only name,
 * message and code, so no request or response object hangs off an error.
 */
export function awsError(error: unknown, options: { operation: string; provider: string; signal?: AbortSignal | undefined }): RunctlError {
  const { operation, provider, signal } = options;
  if (RunctlError.isInstance(error)) return error;
  if (signal?.aborted) return abortError(signal, provider);
  const facts = awsErrorFacts(error);
  if (facts.name === 'AbortError') return new RunctlError({ code: 'ABORTED', provider, message: `AWS ${operation} was aborted.`, cause: plainCause(facts) });
  const code = codeOf(facts);
  const base = { provider, statusCode: facts.statusCode, cause: plainCause(facts) };
  if (code === 'PROVIDER' && facts.statusCode === undefined && facts.socketCode !== undefined) {
    return new RunctlError({ ...base, code, retryable: true, message: `AWS ${operation} failed: the connection broke (${facts.socketCode}).` });
  }
  const message = `AWS ${operation} failed: ${facts.name}: ${facts.message}`;
  if (code === 'AUTH') return new RunctlError({ ...base, code, message, hint: authHint(facts) });
  return new RunctlError({
    ...base,
    code,
    message,
    retryable: code === 'RATE_LIMITED' || code === 'CAPACITY' || (code === 'PROVIDER' && (facts.fault === 'server' || (facts.statusCode ?? 0) >= 500)),
    hint: HINTS[code],
  });
}

function codeOf(facts: AwsErrorFacts): RunctlErrorCode {
  const { name } = facts;
  if (CAPACITY_ERROR_CODES.has(name)) return 'CAPACITY';
  if (THROTTLING.has(name) || facts.statusCode === 429) return 'RATE_LIMITED';
  if (AUTH.has(name) || facts.statusCode === 401 || facts.statusCode === 403) return 'AUTH';
  if (QUOTA.has(name)) return 'QUOTA';
  if (NOT_FOUND.has(name) || facts.statusCode === 404) return 'NOT_FOUND';
  if (INVALID.has(name)) return 'INVALID_INPUT';
  if (name === 'TimeoutError' || name === 'RequestTimeout') return 'TIMEOUT';
  return 'PROVIDER';
}

const ENCODED_MESSAGE = /Encoded authorization failure message: (\S+)/;

/** The encoded authorization message EC2 appends to some IAM denials. */
export function encodedAuthorizationMessage(message: string): string | undefined {
  return ENCODED_MESSAGE.exec(message)?.[1];
}

/**
 * What to do about a denial. Where the caller may, `withDecodedDenial`
 * replaces this with the refused action; otherwise the hint says how to decode it.
 */
function authHint(facts: AwsErrorFacts): string {
  if (facts.name === 'CredentialsProviderError') {
    return 'No AWS credentials were found. Set AWS_PROFILE (after `aws sso login`) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass `credentials`.';
  }
  const encoded = encodedAuthorizationMessage(facts.message);
  if (encoded !== undefined) {
    return 'The caller lacks an IAM permission (see docs/providers/aws.md for the minimal policy). To see which: aws sts decode-authorization-message --encoded-message <the encoded message above> (needs sts:DecodeAuthorizationMessage).';
  }
  return 'The caller lacks an IAM permission or its credentials are invalid or expired; docs/providers/aws.md lists the minimal policy.';
}

function plainCause(facts: AwsErrorFacts): Error {
  const cause = new Error(facts.message);
  cause.name = facts.name;
  return cause;
}

/** errno and undici codes, not the SDK's own error names. */
function isSocketCode(code: string): boolean {
  return /^E[A-Z_]+$|^UND_ERR/.test(code);
}
