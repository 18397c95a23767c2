import { RunctlError } from '../errors/runctl-error.ts';
import type { CallOptions, TrainingProvider } from '../provider/training-provider.ts';
import { sleep, throwIfAborted } from '../util/abort.ts';
import type { ResourceState } from './resource-state.ts';
import type { ResourceId, ResourceStatus } from './resource-status.ts';

/** Options of {@link waitForState}. */
export interface WaitForStateOptions extends CallOptions {
  /** Give up after this many ms with a `TIMEOUT` error (default 600 000). */
  timeout?: number;
  /** Poll interval in ms (default 2 000). */
  interval?: number;
}

/**
 * Polls until the resource reaches one of `states`. Fails fast with
 * `INVALID_STATE` if it reaches `error` or `terminated` instead (unless
 * those are among `states`), and with `TIMEOUT` when time runs out.
 */
export async function waitForState(
  provider: TrainingProvider,
  id: ResourceId,
  states: readonly ResourceState[],
  options: WaitForStateOptions = {},
): Promise<ResourceStatus> {
  const timeout = options.timeout ?? 600_000;
  const deadline = Date.now() + timeout;
  for (;;) {
    throwIfAborted(options.signal, provider.name);
    const status = await provider.getResourceStatus(id, options.signal ? { signal: options.signal } : {});
    if (states.includes(status.state)) return status;
    if (status.state === 'error' || status.state === 'terminated') {
      throw new RunctlError({
        code: 'INVALID_STATE',
        provider: provider.name,
        message: `Resource ${id} is ${status.state} (${status.raw})${status.message ? `: ${status.message}` : ''}; it will never be ${states.join(' or ')}.`,
      });
    }
    if (Date.now() >= deadline) {
      throw new RunctlError({
        code: 'TIMEOUT',
        provider: provider.name,
        message: `Resource ${id} was still ${status.state} (${status.raw}) after ${Math.round(timeout / 1000)}s; expected ${states.join(' or ')}.`,
        hint: 'The provider may be out of capacity. Terminate it and try another instance type or region.',
      });
    }
    await sleep(Math.min(options.interval ?? 2_000, Math.max(0, deadline - Date.now())), options.signal);
  }
}
