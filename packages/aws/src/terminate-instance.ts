import type { Instance } from '@aws-sdk/client-ec2';
import { RunctlError, sleep, withRetry } from '@runctl/core';
import type { AwsClients } from './aws-clients.ts';
import { awsError, awsErrorCode } from './aws-errors.ts';
import { decodingDenials } from './decode-denial.ts';
import { tagsOf } from './map-ec2-state.ts';
import type { InstanceLookup } from './instance-lookup.ts';

const DONE: ReadonlySet<string> = new Set(['shutting-down', 'terminated']);

/** Options of {@link terminateInstance}. */
export interface TerminateOptions {
  signal?: AbortSignal | undefined;
  /** How long to wait for EC2 to show the instance shutting down (default 120 s). */
  confirmTimeoutMs?: number;
}

/**
 * Terminates a runctl instance and confirms it. TerminateInstances is
 * idempotent, but EC2 is eventually consistent: `InvalidInstanceID.NotFound`
 * right after a launch or a terminate proves nothing. So the call is retried
 * through NotFound while the launch is recent, and success means
 * DescribeInstances shows `shutting-down` or `terminated` (billing stops at
 * `shutting-down`). Instances without the runctl tag are never terminated.
 */
export async function terminateInstance(clients: AwsClients, lookup: InstanceLookup, id: string, provider: string, options: TerminateOptions = {}): Promise<void> {
  const { signal } = options;
  const current = await lookup.get(id, signal);
  if (current === undefined) {
    await requireGoneOrForeign(clients, id, provider, signal);
    return;
  }
  if (DONE.has(current.State?.Name ?? '')) return;

  const { client, sdk } = await clients.ec2();
  const send = (): Promise<void> =>
    withRetry(
      async () => {
        try {
          await client.send(new sdk.TerminateInstancesCommand({ InstanceIds: [id] }), signal ? { abortSignal: signal } : {});
        } catch (error) {
          const mapped = awsError(error, { operation: `TerminateInstances ${id}`, provider, signal });
          // Not visible yet: this process launched it moments ago, so it exists; try again.
          if (mapped.code === 'NOT_FOUND') throw new RunctlError({ code: 'PROVIDER', provider, retryable: true, message: mapped.message, cause: mapped });
          throw mapped;
        }
      },
      { signal, policy: { maxRetries: 8, initialDelayMs: 500, maxDelayMs: 10_000 } },
    );
  await decodingDenials(clients, signal, send);

  const deadline = Date.now() + (options.confirmTimeoutMs ?? 120_000);
  let resent = false;
  for (let delay = 100; ; delay = Math.min(delay * 2, 5_000)) {
    const seen = await lookup.get(id, signal);
    if (seen !== undefined && seen !== lookup.recentLaunch(id) && DONE.has(seen.State?.Name ?? '')) return;
    if (Date.now() > deadline) {
      if (resent) {
        throw new RunctlError({
          code: 'TIMEOUT',
          provider,
          message: `EC2 accepted the termination of ${id}, but it still shows ${seen?.State?.Name ?? 'nothing'} after ${Math.round((options.confirmTimeoutMs ?? 120_000) / 1000)}s.`,
          hint: 'Check the EC2 console; call terminate again (it is idempotent).',
        });
      }
      // One more TerminateInstances: cheap insurance against a request EC2 lost.
      resent = true;
      await send();
    }
    await sleep(delay, signal);
  }
}

/** Invisible to the managed filter: either gone for good (fine), or not runctl's (refused). */
async function requireGoneOrForeign(clients: AwsClients, id: string, provider: string, signal?: AbortSignal): Promise<void> {
  const { client, sdk } = await clients.ec2();
  let instance: Instance | undefined;
  try {
    const out = await client.send(new sdk.DescribeInstancesCommand({ InstanceIds: [id] }), signal ? { abortSignal: signal } : {});
    instance = out.Reservations?.[0]?.Instances?.[0];
  } catch (error) {
    const code = awsErrorCode(error);
    if (code === 'InvalidInstanceID.NotFound') return;
    if (code === 'InvalidInstanceID.Malformed') throw new RunctlError({ code: 'NOT_FOUND', provider, message: `No instance ${id}: not an EC2 instance id.` });
    throw awsError(error, { operation: `DescribeInstances ${id}`, provider, signal });
  }
  if (instance === undefined || instance.State?.Name === 'terminated') return;
  if (tagsOf(instance)['runctl:managed'] !== 'true') {
    throw new RunctlError({ code: 'NOT_FOUND', provider, message: `Instance ${id} was not created by runctl (no runctl:managed tag); runctl will not terminate it.` });
  }
}
