import { detail, type ApiReply } from './http-io.ts';
import type { RouteAuth } from './router.ts';

const CHALLENGE = { 'www-authenticate': 'Bearer' };

/**
 * The 401 for a request, or undefined if it may proceed. The detail texts
 * are UNKNOWN; the fake uses FastAPI's `HTTPBearer` wording. The stream URL
 * may be self-authorising (CLI 1.0.25 sends no header), so by default a
 * stream request without a header passes, but a wrong key never does.
 */
export function authFailure(header: string | undefined, apiKey: string, auth: RouteAuth, streamRequiresAuth: boolean): ApiReply | undefined {
  if (header === undefined) {
    if (auth === 'stream' && !streamRequiresAuth) return undefined;
    return detail(401, 'Not authenticated', CHALLENGE);
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return detail(401, 'Invalid authentication credentials', CHALLENGE);
  if (match[1] !== apiKey) return detail(401, 'Invalid or expired API key', CHALLENGE);
  return undefined;
}
