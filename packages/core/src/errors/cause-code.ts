/**
 * The first string `code` down an error's `cause` chain (at most five deep),
 * such as `ECONNREFUSED` or `UND_ERR_SOCKET` under a fetch failure. Codes
 * that `accept` turns down are skipped and the walk goes on.
 *
 * @example
 * causeCode(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })); // 'ECONNREFUSED'
 */
export function causeCode(error: unknown, accept: (code: string) => boolean = () => true): string | undefined {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && accept(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
