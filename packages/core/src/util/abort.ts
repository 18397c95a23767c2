import { RunctlError } from '../errors/runctl-error.ts';

/** Throws an `ABORTED` {@link RunctlError} if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, provider?: string): void {
  if (signal?.aborted) throw abortError(signal, provider);
}

/** The error a runctl call rejects with when its signal fires. */
export function abortError(signal: AbortSignal, provider?: string): RunctlError {
  const reason: unknown = signal.reason;
  if (RunctlError.isInstance(reason)) return reason;
  const isTimeout = reason instanceof Error && reason.name === 'TimeoutError';
  return new RunctlError({
    code: isTimeout ? 'TIMEOUT' : 'ABORTED',
    message: isTimeout ? 'The operation timed out.' : 'The operation was aborted.',
    provider,
    cause: reason,
  });
}

/** Waits `ms`, rejecting with `ABORTED` as soon as the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A signal that fires when any of the given ones does (undefined entries are skipped). */
export function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return AbortSignal.any(present);
}
