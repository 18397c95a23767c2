import { RunctlError, throwIfAborted } from '@runctl/core';
import type { ResourceRecord } from './host-workspaces.ts';
import type { SshHosts } from './ssh-hosts.ts';
import type { ResolvedSshHost } from './ssh-settings.ts';

/**
 * Claims the first free host among `candidates`, in the configured order.
 * A host is busy while it holds a live resource (as recorded on the host).
 * When none is free: `CAPACITY`, naming what was asked and what each host is
 * doing; if none could even be reached, that host's connection error.
 */
export async function pickFreeHost(
  hosts: SshHosts,
  candidates: readonly ResolvedSshHost[],
  wanted: string,
  recordFor: (host: ResolvedSshHost) => ResourceRecord,
  signal: AbortSignal | undefined,
): Promise<{ host: ResolvedSshHost; record: ResourceRecord }> {
  const reasons: string[] = [];
  const failures: unknown[] = [];
  for (const host of candidates) {
    throwIfAborted(signal, hosts.provider);
    const record = recordFor(host);
    try {
      const claim = await hosts.workspaces(host).claim(record, signal);
      if (claim.claimed) return { host, record };
      reasons.push(`${host.name} is busy with ${claim.busyWith}`);
    } catch (error) {
      if (RunctlError.hasCode(error, 'ABORTED')) throw error;
      failures.push(error);
      reasons.push(`${host.name} could not be reached (${RunctlError.isInstance(error) ? error.code : 'error'}: ${(error as Error).message})`);
    }
  }
  if (failures.length === candidates.length) throw failures[0];
  throw new RunctlError({
    code: 'CAPACITY',
    provider: hosts.provider,
    retryable: true,
    message: `No free ssh host for ${JSON.stringify(wanted)}: ${reasons.join('; ')}.`,
    hint: 'Terminate a resource on one of these hosts, or add a host with this instance type or label.',
  });
}
