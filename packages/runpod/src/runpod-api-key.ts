import { RunctlError, registerSecret } from '@runctl/core';

export const API_KEY_ENV = 'RUNPOD_API_KEY';

/**
 * Returns a function that yields the API key for one request: the explicit
 * one, else `RUNPOD_API_KEY` as it is now. Nothing is read before the first
 * request, so importing or creating the provider never throws. Every key
 * seen is registered as a secret before it can reach a message.
 */
export function apiKeyLoader(explicit: string | undefined, provider: string): () => string {
  return () => {
    const raw = explicit ?? process.env[API_KEY_ENV];
    if (raw === undefined || raw.trim() === '') {
      throw new RunctlError({
        code: 'AUTH',
        provider,
        message: `No RunPod API key: set ${API_KEY_ENV} or pass apiKey to createRunpod().`,
        hint: 'Create a key in the RunPod console under Settings → API Keys (read/write), then export RUNPOD_API_KEY=… .',
      });
    }
    registerSecret(raw);
    const key = raw.trim();
    registerSecret(key);
    // A key with whitespace or control characters cannot go into a header; say so without echoing it.
    if (/[\s\u0000-\u001f\u007f]/.test(key)) {
      throw new RunctlError({ code: 'AUTH', provider, message: `The RunPod API key (${explicit === undefined ? API_KEY_ENV : 'apiKey'}) contains whitespace or control characters.` });
    }
    return key;
  };
}
