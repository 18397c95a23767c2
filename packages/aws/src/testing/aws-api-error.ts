/**
 * An error the fake answers with. The server renders it in the wire format of
 * the service that was called (EC2 or STS XML envelope, or SSM JSON `__type`).
 */
export class AwsApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
  }
}

/** HTTP status real AWS uses for an error code, when the caller does not say. */
export function defaultStatusFor(service: 'ec2' | 'ssm' | 'sts', code: string): number {
  const ec2: Record<string, number> = {
    InsufficientInstanceCapacity: 500,
    InsufficientCapacity: 500,
    InsufficientAddressCapacity: 500,
    InsufficientHostCapacity: 500,
    InternalError: 500,
    InternalFailure: 500,
    RequestLimitExceeded: 503,
    ServiceUnavailable: 503,
    Unavailable: 503,
    UnauthorizedOperation: 403,
    Blocked: 403,
    AuthFailure: 401,
    OptInRequired: 401,
    DryRunOperation: 412,
  };
  const ssm: Record<string, number> = {
    InternalServerError: 500,
    ServiceUnavailable: 503,
  };
  const sts: Record<string, number> = {
    AccessDenied: 403,
    InternalFailure: 500,
    ServiceUnavailable: 503,
  };
  return { ec2, ssm, sts }[service][code] ?? 400;
}
