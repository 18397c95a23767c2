import { RunctlError, abortError, backoffDelay, sleep, type ResolvedRetryPolicy } from '@runctl/core';
import { mapVmState } from '../map-lyceum-state.ts';
import type { CreateVmBody, VmApi, VmRecord } from './vm-api.ts';

/** Options of {@link createVmOnce}. */
export interface CreateVmOnceOptions {
  provider: string;
  retry: ResolvedRetryPolicy;
  signal?: AbortSignal | undefined;
}

/**
 * `POST /vms/create` without ever launching two VMs. Lyceum has no
 * idempotency key, so the unique `display_name` (it carries a nonce) is the
 * key: after an ambiguous failure (a timeout, a reset, a 5xx that is not a
 * capacity refusal) the VM is looked up by that name in `/vms/list`, and
 * created again only if it is not there. A 429 means nothing happened, so it
 * is simply retried after the delay Lyceum asks for.
 */
export async function createVmOnce(api: VmApi, body: CreateVmBody, options: CreateVmOnceOptions): Promise<VmRecord> {
  const { provider, retry, signal } = options;
  for (let attempt = 1; ; attempt++) {
    let failure: RunctlError;
    try {
      return await api.create(body, signal);
    } catch (error) {
      if (signal?.aborted) throw abortedCreate(signal, body.display_name, provider);
      if (!RunctlError.isInstance(error)) throw error;
      failure = error;
    }
    const rateLimited = failure.code === 'RATE_LIMITED';
    const ambiguous = !rateLimited && failure.retryable && (failure.code === 'PROVIDER' || failure.code === 'TIMEOUT');
    if (!rateLimited && !ambiguous) throw failure;
    if (ambiguous) {
      // Give Lyceum a moment to list what it may have created.
      await sleep(backoffDelay(attempt, retry), signal).catch(() => {
        throw abortedCreate(signal as AbortSignal, body.display_name, provider);
      });
      const found = await findVmByName(api, body.display_name, signal).catch((lookup: unknown) => {
        if (signal?.aborted) throw abortedCreate(signal, body.display_name, provider);
        throw new RunctlError({
          code: 'PROVIDER',
          provider,
          retryable: false,
          cause: lookup,
          message: `Creating the VM failed without a clear answer (${failure.message}), and the VM list could not be read to check: a VM named ${body.display_name} may exist.`,
          hint: `Look for ${body.display_name} in the Lyceum dashboard or with listResources(), and terminate it if you do not want it.`,
        });
      });
      if (found !== undefined) return found;
    }
    if (attempt > retry.maxRetries) throw failure;
    if (rateLimited) {
      await sleep(Math.min(retry.maxDelayMs, failure.retryAfterMs ?? backoffDelay(attempt, retry)), signal).catch(() => {
        throw abortedCreate(signal as AbortSignal, body.display_name, provider);
      });
    }
  }
}

/** The live VM with this exact display name (the newest, should there be several). */
export async function findVmByName(api: VmApi, displayName: string, signal?: AbortSignal): Promise<VmRecord | undefined> {
  const matches = (await api.list({ includeTerminated: false }, signal)).filter(
    (vm) => vm.displayName === displayName && !['terminated', 'terminating', 'error'].includes(mapVmState(vm.status)),
  );
  matches.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
  return matches[0];
}

function abortedCreate(signal: AbortSignal, displayName: string, provider: string): RunctlError {
  const base = abortError(signal);
  return new RunctlError({
    code: base.code,
    provider,
    message: `${base.message} A VM named ${displayName} may have been created before the abort.`,
    hint: `Check listResources() for ${displayName} and terminate it if you do not want it.`,
    cause: signal.reason,
  });
}
