import { AwsApiError } from './aws-api-error.ts';

/**
 * Opaque NextToken: the offset into a result list, bound to the operation so
 * a token from one call is rejected by another (as AWS does).
 */
export function encodeNextToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ s: scope, o: offset })).toString('base64url');
}

export function decodeNextToken(scope: string, token: string | undefined, errorCode: string): number {
  if (token === undefined || token === '') return 0;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 's' in parsed && 'o' in parsed) {
      const { s, o } = parsed;
      if (s === scope && typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
    }
  } catch {
    // fall through
  }
  throw new AwsApiError(errorCode, 'The specified pagination token is not valid or is expired.');
}

/** One page of `items` starting at the token's offset. */
export function paginate<T>(
  items: T[],
  scope: string,
  token: string | undefined,
  maxResults: number | undefined,
  errorCode: string,
): { page: T[]; nextToken?: string } {
  const start = decodeNextToken(scope, token, errorCode);
  if (maxResults === undefined) return { page: items.slice(start) };
  const end = start + maxResults;
  const page = items.slice(start, end);
  return end < items.length ? { page, nextToken: encodeNextToken(scope, end) } : { page };
}
