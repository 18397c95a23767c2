import { EC2Client, RunInstancesCommand, type RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import {
  GetCommandInvocationCommand,
  SendCommandCommand,
  SSMClient,
  type GetCommandInvocationCommandOutput,
} from '@aws-sdk/client-ssm';
import type { FakeAws } from './fake-aws.ts';

/** Shared by the fake's own tests: real SDK clients aimed at the fake. */
export function ec2ClientFor(fake: FakeAws, maxAttempts = 3): EC2Client {
  return new EC2Client({ ...fake.clientConfig(), maxAttempts });
}

export function ssmClientFor(fake: FakeAws, maxAttempts = 3): SSMClient {
  return new SSMClient({ ...fake.clientConfig(), maxAttempts });
}

export const TEST_AMI = 'ami-0123456789abcdef0';

export async function launch(ec2: EC2Client, input: Partial<RunInstancesCommandInput> = {}): Promise<string> {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: TEST_AMI,
      InstanceType: 'g5.xlarge',
      MinCount: 1,
      MaxCount: 1,
      IamInstanceProfile: { Name: 'trainer' },
      ...input,
    }),
  );
  const id = out.Instances?.[0]?.InstanceId;
  if (!id) throw new Error('RunInstances returned no instance');
  return id;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

const TERMINAL = ['Success', 'Failed', 'TimedOut', 'Cancelled'];

/** SendCommand, then GetCommandInvocation until the invocation ends. */
export async function runCommand(
  ssm: SSMClient,
  instanceId: string,
  commands: string[],
  parameters: Record<string, string[]> = {},
): Promise<GetCommandInvocationCommandOutput> {
  const sent = await ssm.send(
    new SendCommandCommand({
      InstanceIds: [instanceId],
      DocumentName: 'AWS-RunShellScript',
      Parameters: { commands, ...parameters },
    }),
  );
  const commandId = sent.Command?.CommandId ?? '';
  return eventually(async () => {
    const out = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
    return TERMINAL.includes(out.Status ?? '') ? out : undefined;
  }, 10_000);
}
