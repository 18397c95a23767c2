import type { FakeReply } from './fake-reply.ts';

/** RFC 9457 body, as the spec's `ErrorResponse` schema defines it. */
export interface ProblemBody {
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly string[];
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The exact phrase the spec's 422 example uses. */
export const VALIDATION_FAILED = 'Request validation failed.';

/** Capacity 400 detail; the spec says capacity failures carry no machine-readable code. */
export const NO_INSTANCES_AVAILABLE =
  'There are no longer any instances available with the requested specifications. Please refresh and try again.';

export function problem(
  status: number,
  detail: string,
  extra: { readonly errors?: readonly string[]; readonly headers?: Readonly<Record<string, string>> } = {},
): FakeReply {
  const body: ProblemBody = {
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...(extra.errors ? { errors: extra.errors } : {}),
  };
  return { status, headers: { 'content-type': 'application/problem+json', ...extra.headers }, body };
}

export function validationProblem(errors: readonly string[]): FakeReply {
  return problem(422, VALIDATION_FAILED, { errors });
}
