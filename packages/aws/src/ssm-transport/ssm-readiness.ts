import { RunctlError, sleep } from '@runctl/core';
import type { AwsClients } from '../aws-clients.ts';
import { awsError } from '../aws-errors.ts';

/**
 * Waits until the instance's SSM agent has registered and pings (PingStatus
 * `Online`): before that, SendCommand fails with InvalidInstanceId. On a new
 * instance this takes from seconds to a few minutes after `running`.
 * `stillRunning` is asked between polls, so a dead instance fails fast.
 */
export async function waitForSsmOnline(
  clients: AwsClients,
  instanceId: string,
  options: { provider: string; deadline: number; signal?: AbortSignal | undefined; stillRunning: () => Promise<string | undefined> },
): Promise<void> {
  const { provider, signal } = options;
  const { client, sdk } = await clients.ssm();
  for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
    let ping: string | undefined;
    try {
      const out = await client.send(
        new sdk.DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [instanceId] }] }),
        signal ? { abortSignal: signal } : {},
      );
      ping = out.InstanceInformationList?.[0]?.PingStatus;
    } catch (error) {
      throw awsError(error, { operation: `DescribeInstanceInformation ${instanceId}`, provider, signal });
    }
    if (ping === 'Online') return;
    const gone = await options.stillRunning();
    if (gone !== undefined) throw new RunctlError({ code: 'INVALID_STATE', provider, message: `Instance ${instanceId} is ${gone}; its SSM agent will never answer.` });
    if (Date.now() > options.deadline) {
      throw new RunctlError({
        code: 'TIMEOUT',
        provider,
        message: `The SSM agent of ${instanceId} is not online (PingStatus ${ping ?? 'not registered'}).`,
        hint: 'The instance needs an instance profile with AmazonSSMManagedInstanceCore and a route to the SSM endpoints (internet or VPC endpoints); see docs/providers/aws.md.',
      });
    }
    await sleep(delay, signal);
  }
}
