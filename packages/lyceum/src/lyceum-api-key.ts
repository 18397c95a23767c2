import { RunctlError, registerSecret } from '@runctl/core';

/** The environment variable the key is read from when settings give none. */
export const LYCEUM_API_KEY_ENV = 'LYCEUM_API_KEY';

/**
 * A loader for the API key, read on first use rather than at import or
 * construction, so creating a provider never throws. The key is registered
 * as a secret, so no runctl error can ever show it.
 */
export function lazyApiKey(explicit: string | undefined, provider: string): () => string {
  let cached: string | undefined;
  return () => {
    if (cached !== undefined) return cached;
    // A set-but-blank variable is how container platforms pass an unset secret; treat it as missing.
    const value = (explicit ?? process.env[LYCEUM_API_KEY_ENV] ?? '').trim();
    if (value === '') {
      throw new RunctlError({
        code: 'AUTH',
        provider,
        message: `No Lyceum API key: set the ${LYCEUM_API_KEY_ENV} environment variable or pass apiKey to createLyceum().`,
        hint: 'Create a key at https://dashboard.lyceum.technology/api-keys (it starts with lk_).',
      });
    }
    registerSecret(value);
    cached = value;
    return value;
  };
}
