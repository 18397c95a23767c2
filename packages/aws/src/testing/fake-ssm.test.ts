import { realpathSync } from 'node:fs';
import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  CancelCommandCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  waitUntilCommandExecuted,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startFakeAws, STDERR_LIMIT, STDOUT_LIMIT, type FakeAws, type FakeAwsOptions } from './index.ts';
import { ec2ClientFor, eventually, launch, runCommand, sleep, ssmClientFor } from './test-helpers.ts';

describe('fake SSM through the real SSMClient', () => {
  let fake: FakeAws;
  let ec2: EC2Client;
  let ssm: SSMClient;

  async function start(options: FakeAwsOptions = {}): Promise<void> {
    fake = await startFakeAws({ ec2: { pendingMs: 50 }, ssm: { onlineAfterMs: 50 }, ...options });
    ec2 = ec2ClientFor(fake);
    ssm = ssmClientFor(fake);
  }

  async function onlineInstance(): Promise<string> {
    const id = await launch(ec2);
    await eventually(async () => {
      const out = await ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [id] }] }));
      return out.InstanceInformationList?.[0]?.PingStatus === 'Online' ? true : undefined;
    });
    return id;
  }

  beforeEach(() => start());
  afterEach(async () => {
    ec2.destroy();
    ssm.destroy();
    await fake.close();
  });

  test('the agent registers after the instance runs, and only with an instance profile', async () => {
    const id = await launch(ec2);
    const noProfile = await launch(ec2, { IamInstanceProfile: undefined });
    const info = async () =>
      (await ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [id, noProfile] }] })))
        .InstanceInformationList ?? [];
    expect(await info()).toEqual([]);
    await sleep(150);
    const list = await info();
    expect(list.map((i) => [i.InstanceId, i.PingStatus, i.PlatformType, i.ResourceType])).toEqual([
      [id, 'Online', 'Linux', 'EC2Instance'],
    ]);
    await expect(
      ssm.send(new SendCommandCommand({ InstanceIds: [noProfile], DocumentName: 'AWS-RunShellScript', Parameters: { commands: ['true'] } })),
    ).rejects.toMatchObject({ name: 'InvalidInstanceId', $metadata: { httpStatusCode: 400 } });
  });

  test('SendCommand really runs the commands in the instance sandbox', async () => {
    const id = await onlineInstance();
    const out = await runCommand(ssm, id, ['echo hello from $AWS_SSM_INSTANCE_ID', 'pwd', 'echo "$HOME"', 'echo oops >&2', 'exit 3']);
    const sandbox = realpathSync(fake.instance(id)?.sandboxDir ?? '');
    expect(out).toMatchObject({
      Status: 'Failed',
      StatusDetails: 'Failed',
      ResponseCode: 3,
      PluginName: 'aws:runShellScript',
      StandardOutputContent: `hello from ${id}\n${sandbox}\n${sandbox}\n`,
      StandardErrorContent: 'oops\n',
    });
    expect(out.ExecutionElapsedTime).toMatch(/^PT[0-9.]+S$/);
  });

  test('waitUntilCommandExecuted copes with InvocationDoesNotExist right after SendCommand', async () => {
    await fake.close();
    await start({ ssm: { onlineAfterMs: 0, invocationVisibleAfterMs: 200 } });
    const id = await onlineInstance();
    const sent = await ssm.send(
      new SendCommandCommand({ InstanceIds: [id], DocumentName: 'AWS-RunShellScript', Parameters: { commands: ['echo done'] } }),
    );
    const commandId = sent.Command?.CommandId ?? '';
    expect(sent.Command?.Status).toBe('Pending');
    await expect(ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: id }))).rejects.toMatchObject({
      name: 'InvocationDoesNotExist',
      $metadata: { httpStatusCode: 400 },
    });
    const waited = await waitUntilCommandExecuted(
      { client: ssm, maxWaitTime: 5, minDelay: 0.05, maxDelay: 0.1 },
      { CommandId: commandId, InstanceId: id },
    );
    expect(waited.state).toBe('SUCCESS');
    const out = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: id }));
    expect(out).toMatchObject({ Status: 'Success', ResponseCode: 0, StandardOutputContent: 'done\n' });
  });

  test('output is empty while in progress and cut to 24,000 / 8,000 characters at the end', async () => {
    const id = await onlineInstance();
    const sent = await ssm.send(
      new SendCommandCommand({
        InstanceIds: [id],
        DocumentName: 'AWS-RunShellScript',
        Parameters: { commands: ['echo started', 'sleep 0.25', "head -c 30000 /dev/zero | tr '\\0' a", "head -c 9000 /dev/zero | tr '\\0' e >&2"] },
      }),
    );
    const commandId = sent.Command?.CommandId ?? '';
    const get = () => ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: id }));
    const running = await eventually(async () => ((await get()).Status === 'InProgress' ? get() : undefined));
    expect(running).toMatchObject({ StandardOutputContent: '', ResponseCode: -1 });
    const done = await eventually(async () => {
      const out = await get();
      return out.Status === 'Success' ? out : undefined;
    });
    expect(done.StandardOutputContent).toHaveLength(STDOUT_LIMIT);
    expect(done.StandardOutputContent?.startsWith('started\naaa')).toBe(true);
    expect(done.StandardErrorContent).toHaveLength(STDERR_LIMIT);
    const full = fake.commands()[0]?.invocations[0];
    expect(full?.stdout).toHaveLength(8 + 30000);
    expect(full?.stderr).toHaveLength(9000);
  });

  test('executionTimeout kills the script: TimedOut', async () => {
    await fake.close();
    await start({ ssm: { onlineAfterMs: 0, executionTimeoutUnitMs: 100 } });
    const id = await onlineInstance();
    const out = await runCommand(ssm, id, ['echo before', 'sleep 5', 'echo after'], { executionTimeout: ['2'] });
    expect(out).toMatchObject({ Status: 'TimedOut', StatusDetails: 'ExecutionTimedOut', ResponseCode: 137, StandardOutputContent: 'before\n' });
  });

  test('workingDirectory, ListCommandInvocations with details, CancelCommand', async () => {
    const id = await onlineInstance();
    const made = await runCommand(ssm, id, ['mkdir -p opt/job && echo ok']);
    expect(made.Status).toBe('Success');
    const inDir = await runCommand(ssm, id, ['pwd'], { workingDirectory: ['/opt/job'] });
    expect(inDir.StandardOutputContent?.trim().endsWith('/opt/job')).toBe(true);
    const missingDir = await runCommand(ssm, id, ['pwd'], { workingDirectory: ['/nope'] });
    expect(missingDir.Status).toBe('Failed');

    const listed = await ssm.send(new ListCommandInvocationsCommand({ InstanceId: id, Details: true }));
    expect(listed.CommandInvocations).toHaveLength(3);
    expect(listed.CommandInvocations?.[2]?.CommandPlugins?.[0]).toMatchObject({ Name: 'aws:runShellScript', Output: 'ok\n', ResponseCode: 0 });

    const sent = await ssm.send(
      new SendCommandCommand({ InstanceIds: [id], DocumentName: 'AWS-RunShellScript', Parameters: { commands: ['sleep 10'] } }),
    );
    const commandId = sent.Command?.CommandId ?? '';
    await eventually(() => (fake.commands().find((c) => c.commandId === commandId)?.invocations[0]?.status === 'InProgress' ? true : undefined));
    await ssm.send(new CancelCommandCommand({ CommandId: commandId }));
    const cancelled = await eventually(async () => {
      const out = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: id }));
      return out.Status === 'Cancelled' ? out : undefined;
    });
    expect(cancelled.StatusDetails).toBe('Cancelled');
  });

  test('SendCommand validation and GetParameter', async () => {
    const id = await onlineInstance();
    const send = (input: object) =>
      ssm.send(new SendCommandCommand({ InstanceIds: [id], DocumentName: 'AWS-RunShellScript', ...input })).catch((e: unknown) => e);
    expect(await send({ DocumentName: 'AWS-RunPowerShellScript', Parameters: { commands: ['x'] } })).toMatchObject({ name: 'InvalidDocument' });
    expect(await send({ Parameters: {} })).toMatchObject({ name: 'InvalidParameters' });
    expect(await send({ Parameters: { commands: ['x'], executionTimeout: ['999999'] } })).toMatchObject({ name: 'InvalidParameters' });
    expect(await send({ Parameters: { commands: ['x'] }, TimeoutSeconds: 5 })).toMatchObject({ name: 'ValidationException' });
    await expect(
      ssm.send(new GetCommandInvocationCommand({ CommandId: '00000000-0000-4000-8000-000000000000', InstanceId: id })),
    ).rejects.toMatchObject({ name: 'InvocationDoesNotExist' });

    const dlami = '/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id';
    fake.setParameter(dlami, 'ami-0aaaaaaaaaaaaaaaa');
    const param = await ssm.send(new GetParameterCommand({ Name: dlami }));
    expect(param.Parameter?.Value).toBe('ami-0aaaaaaaaaaaaaaaa');
    await expect(ssm.send(new GetParameterCommand({ Name: '/nope' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
  });

  test('SSM faults: ThrottlingException is retried, AccessDeniedException is not', async () => {
    fake.failNext('ssm:DescribeInstanceInformation', { code: 'ThrottlingException' });
    const out = await ssm.send(new DescribeInstanceInformationCommand({}));
    expect(out.$metadata.attempts).toBe(2);
    fake.failNext('ssm:*', { code: 'AccessDeniedException' });
    await expect(ssm.send(new DescribeInstanceInformationCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { attempts: 1 },
    });
  });
});
