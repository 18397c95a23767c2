import { RunctlError } from './runctl-error.ts';

/** Wraps anything thrown into a {@link RunctlError}, keeping runctl errors as they are. */
export function toRunctlError(error: unknown, provider?: string): RunctlError {
  if (RunctlError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RunctlError({ code: 'PROVIDER', message, provider, cause: error });
}
