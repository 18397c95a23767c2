import type { Instance } from '@aws-sdk/client-ec2';
import { RunctlError, sleep } from '@runctl/core';
import type { InstanceLookup } from './instance-lookup.ts';
import { INSTANCE_ID_PATTERN } from './aws-schemas.ts';
import { wasPreempted } from './map-ec2-state.ts';

/** Why an instance will never run jobs again, or undefined while it may. */
export function goneReason(instance: Instance | undefined): string | undefined {
  if (instance === undefined) return 'gone';
  const state = instance.State?.Name ?? 'unknown';
  if (state === 'pending' || state === 'running') return undefined;
  const reason = instance.StateReason?.Message ?? instance.StateReason?.Code;
  return `${state}${wasPreempted(instance) ? ' (reclaimed by EC2 Spot)' : ''}${reason && !wasPreempted(instance) ? ` (${reason})` : ''}`;
}

/** NOT_FOUND for anything that is not an EC2 instance id (no call is made). */
export function requireInstanceId(id: string, provider: string): void {
  if (!INSTANCE_ID_PATTERN.test(id)) throw new RunctlError({ code: 'NOT_FOUND', provider, message: `No instance ${JSON.stringify(id.slice(0, 80))}: not an EC2 instance id.` });
}

/**
 * Waits until a runctl instance is `running`. NOT_FOUND when it is not a
 * runctl instance, INVALID_STATE when it stopped or ended (Spot reclaims
 * say so), TIMEOUT after the deadline.
 */
export async function waitForRunning(lookup: InstanceLookup, id: string, options: { provider: string; deadline: number; signal?: AbortSignal | undefined }): Promise<Instance> {
  const { provider, signal } = options;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
    const instance = await lookup.get(id, signal);
    if (instance === undefined) throw new RunctlError({ code: 'NOT_FOUND', provider, message: `No runctl instance ${id} (unknown, or not tagged runctl:managed).` });
    if (instance.State?.Name === 'running') return instance;
    const gone = goneReason(instance);
    if (gone !== undefined) throw new RunctlError({ code: 'INVALID_STATE', provider, message: `Instance ${id} is ${gone}.`, hint: 'Create a new resource.' });
    if (Date.now() > options.deadline) throw new RunctlError({ code: 'TIMEOUT', provider, message: `Instance ${id} is still ${instance.State?.Name ?? 'starting'}.` });
    await sleep(delay, signal);
  }
}
