import { RunctlError, sleep, throwIfAborted } from '@runctl/core';
import { parseIpAddress, type SshEndpoint } from '../ip-address.ts';
import { mapVmState } from '../map-lyceum-state.ts';
import type { VmApi, VmRecord } from './vm-api.ts';

/** Options of {@link waitForVmAddress}. */
export interface WaitForVmOptions {
  provider: string;
  /** When to give up (epoch ms). */
  deadline: number;
  timeoutMs: number;
  pollIntervalMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * Polls a VM until it is ready **and** has an address (Lyceum reports
 * `ready` VMs with a null `ip_address` for a while). Gives `NOT_FOUND` for
 * unknown ids, `INVALID_STATE` for terminated VMs, `PROVIDER` for failed
 * ones, and a non-retryable `TIMEOUT` when the deadline passes.
 */
export async function waitForVmAddress(vms: VmApi, id: string, options: WaitForVmOptions): Promise<{ vm: VmRecord; endpoint: SshEndpoint }> {
  const { provider, deadline, signal } = options;
  for (;;) {
    throwIfAborted(signal, provider);
    const vm = await vms.status(id, signal);
    const state = mapVmState(vm.status);
    if (state === 'terminated' || state === 'terminating') {
      throw new RunctlError({ code: 'INVALID_STATE', provider, message: `Lyceum VM ${id} is ${vm.status}; it can no longer run jobs.`, hint: 'Create a new resource.' });
    }
    if (state === 'error' || state === 'stopped') {
      throw new RunctlError({ code: 'PROVIDER', provider, message: `Lyceum VM ${id} is ${vm.status} and will not become reachable.`, hint: 'Terminate it and create another one.' });
    }
    const endpoint = state === 'running' ? parseIpAddress(vm.ipAddress, provider) : undefined;
    if (endpoint !== undefined) return { vm, endpoint };
    if (Date.now() >= deadline) throw unreachable(id, vm, options);
    await sleep(Math.min(options.pollIntervalMs, Math.max(0, deadline - Date.now())), signal);
  }
}

/** The typed error of a VM that never became reachable. */
export function unreachable(id: string, vm: Pick<VmRecord, 'status' | 'ipAddress'> | undefined, options: { provider: string; timeoutMs: number }, detail?: string): RunctlError {
  const seconds = Math.round(options.timeoutMs / 1000);
  const what = vm === undefined
    ? 'did not become reachable'
    : mapVmState(vm.status) === 'running'
      ? `was ${vm.status} but ${vm.ipAddress ? 'did not answer SSH' : 'never got an IP address'}`
      : `was still ${vm.status}`;
  return new RunctlError({
    code: 'TIMEOUT',
    provider: options.provider,
    // Waiting again would bill more for a VM that is likely broken; the caller decides.
    retryable: false,
    message: `Lyceum VM ${id} ${what} after ${seconds}s${detail ? ` (${detail})` : ''}.`,
    hint: 'It is still billed while it exists: terminate it, then try again (or another hardware profile). settings.readyTimeout sets how long to wait.',
  });
}
