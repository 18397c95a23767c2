import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeVolumesCommand,
  paginateDescribeInstances,
  paginateDescribeSpotPriceHistory,
  RunInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  type EC2Client,
  type Instance,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startFakeAws, type FakeAws } from './index.ts';
import { ec2ClientFor, eventually, launch, sleep, TEST_AMI } from './test-helpers.ts';

const waiter = (client: EC2Client) => ({ client, maxWaitTime: 5, minDelay: 0.05, maxDelay: 0.1 });

async function describeOne(ec2: EC2Client, id: string): Promise<Instance> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  const inst = out.Reservations?.[0]?.Instances?.[0];
  if (!inst) throw new Error('not found');
  return inst;
}

describe('fake EC2 through the real EC2Client', () => {
  let fake: FakeAws;
  let ec2: EC2Client;

  beforeEach(async () => {
    fake = await startFakeAws();
    ec2 = ec2ClientFor(fake);
  });
  afterEach(async () => {
    ec2.destroy();
    await fake.close();
  });

  test('RunInstances stores and echoes the launch parameters; the waiter sees running', async () => {
    const userData = Buffer.from('#!/bin/bash\nshutdown -h +60\n').toString('base64');
    const out = await ec2.send(
      new RunInstancesCommand({
        ImageId: TEST_AMI,
        InstanceType: 'g5.xlarge',
        MinCount: 1,
        MaxCount: 1,
        ClientToken: 'job-1-attempt-1',
        IamInstanceProfile: { Name: 'trainer-profile' },
        InstanceMarketOptions: {
          MarketType: 'spot',
          SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
        },
        InstanceInitiatedShutdownBehavior: 'terminate',
        UserData: userData,
        BlockDeviceMappings: [
          { DeviceName: '/dev/sda1', Ebs: { VolumeSize: 200, VolumeType: 'gp3', DeleteOnTermination: true, Encrypted: true } },
        ],
        TagSpecifications: [
          { ResourceType: 'instance', Tags: [{ Key: 'job-id', Value: 'job-1' }, { Key: 'managed-by', Value: 'runctl' }] },
          { ResourceType: 'volume', Tags: [{ Key: 'job-id', Value: 'job-1' }] },
        ],
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
      }),
    );
    const launched = out.Instances?.[0];
    const id = launched?.InstanceId ?? '';
    expect(launched?.State).toEqual({ Code: 0, Name: 'pending' });
    expect(launched?.ClientToken).toBe('job-1-attempt-1');
    expect(launched?.InstanceLifecycle).toBe('spot');
    expect(launched?.SpotInstanceRequestId).toMatch(/^sir-/);
    expect(launched?.IamInstanceProfile?.Arn).toBe('arn:aws:iam::123456789012:instance-profile/trainer-profile');
    expect(launched?.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 2 });
    expect(launched?.LaunchTime).toBeInstanceOf(Date);

    const result = await waitUntilInstanceRunning(waiter(ec2), { InstanceIds: [id] });
    expect(result.state).toBe('SUCCESS');
    const running = await describeOne(ec2, id);
    expect(running.State).toEqual({ Code: 16, Name: 'running' });
    expect(running.Tags).toEqual([{ Key: 'job-id', Value: 'job-1' }, { Key: 'managed-by', Value: 'runctl' }]);

    const info = fake.instance(id);
    expect(info?.userData).toBe(userData);
    expect(info?.userDataText).toBe('#!/bin/bash\nshutdown -h +60\n');
    expect(info?.shutdownBehavior).toBe('terminate');
    expect(info?.spotOptions).toMatchObject({ spotInstanceType: 'one-time', interruptionBehavior: 'terminate' });
    expect(info?.volumes).toEqual([
      expect.objectContaining({ deviceName: '/dev/sda1', size: 200, volumeType: 'gp3', tags: { 'job-id': 'job-1' } }),
    ]);
    const volumes = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [id] }] }));
    expect(volumes.Volumes?.map((v) => [v.Size, v.State, v.Tags])).toEqual([[200, 'in-use', [{ Key: 'job-id', Value: 'job-1' }]]]);
  });

  test('the running waiter fails once the instance is terminated', async () => {
    const id = await launch(ec2);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await expect(waitUntilInstanceRunning(waiter(ec2), { InstanceIds: [id] })).rejects.toThrow(/FAILURE/);
  });

  test('the DescribeInstances paginator walks NextToken pages', async () => {
    await ec2.send(
      new RunInstancesCommand({
        ImageId: TEST_AMI,
        InstanceType: 't3.micro',
        MinCount: 12,
        MaxCount: 12,
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'job-id', Value: 'many' }] }],
      }),
    );
    await launch(ec2, { TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'job-id', Value: 'other' }] }] });
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeInstances(
      { client: ec2, pageSize: 5 },
      { Filters: [{ Name: 'tag:job-id', Values: ['many'] }, { Name: 'instance-state-name', Values: ['pending', 'running'] }] },
    )) {
      pages += 1;
      for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) seen.push(i.InstanceId ?? '');
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(12);
    expect(fake.callsTo('DescribeInstances').map((c) => (c.params as { MaxResults?: string }).MaxResults)).toEqual(['5', '5', '5']);
  });

  test('filters: instance-id, tag-key, tag:<key> with wildcards, state name; unknown filter is rejected', async () => {
    const a = await launch(ec2, { TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'job-id', Value: 'job-a' }] }] });
    const b = await launch(ec2, { TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'ml' }] }] });
    const ids = async (filters: Array<{ Name: string; Values: string[] }>): Promise<string[]> => {
      const out = await ec2.send(new DescribeInstancesCommand({ Filters: filters }));
      return (out.Reservations ?? []).flatMap((r) => (r.Instances ?? []).map((i) => i.InstanceId ?? '')).sort();
    };
    expect(await ids([{ Name: 'instance-id', Values: [b] }])).toEqual([b]);
    expect(await ids([{ Name: 'tag-key', Values: ['job-id'] }])).toEqual([a]);
    expect(await ids([{ Name: 'tag:job-id', Values: ['job-*'] }])).toEqual([a]);
    expect(await ids([{ Name: 'instance-state-name', Values: ['pending', 'running'] }])).toEqual([a, b].sort());
    expect(await ids([{ Name: 'instance-state-name', Values: ['terminated'] }])).toEqual([]);
    await ec2.send(new CreateTagsCommand({ Resources: [b], Tags: [{ Key: 'job-id', Value: 'job-b' }] }));
    expect(await ids([{ Name: 'tag:job-id', Values: ['job-b'] }])).toEqual([b]);
    await expect(ids([{ Name: 'no-such-filter', Values: ['x'] }])).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  test('ClientToken: same token and parameters return the same reservation; other parameters are a mismatch', async () => {
    const input = { ImageId: TEST_AMI, InstanceType: 'g5.xlarge', MinCount: 1, MaxCount: 1, ClientToken: 'tok-1' } as const;
    const first = await ec2.send(new RunInstancesCommand(input));
    const again = await ec2.send(new RunInstancesCommand(input));
    expect(again.ReservationId).toBe(first.ReservationId);
    expect(again.Instances?.[0]?.InstanceId).toBe(first.Instances?.[0]?.InstanceId);
    expect(fake.instances()).toHaveLength(1);
    await expect(ec2.send(new RunInstancesCommand({ ...input, InstanceType: 'g6.xlarge' }))).rejects.toMatchObject({
      name: 'IdempotentParameterMismatch',
      $metadata: { httpStatusCode: 400 },
    });
    expect(fake.instances()).toHaveLength(1);
  });

  test('a reset after RunInstances is retried by the SDK with the same ClientToken: exactly one instance', async () => {
    fake.failNext('RunInstances', { reset: 'after' });
    const out = await ec2.send(
      new RunInstancesCommand({ ImageId: TEST_AMI, InstanceType: 'g5.xlarge', MinCount: 1, MaxCount: 1, ClientToken: 'job-7-1' }),
    );
    expect(out.$metadata.attempts).toBe(2);
    expect(fake.instances().map((i) => i.instanceId)).toEqual([out.Instances?.[0]?.InstanceId]);
    const calls = fake.callsTo('RunInstances');
    expect(calls.map((c) => [c.fault, c.status])).toEqual([['reset:after', undefined], [undefined, 200]]);
  });

  test('the SDK-generated ClientToken also makes the reset retry idempotent', async () => {
    fake.failNext('ec2:RunInstances', { reset: 'after' });
    await ec2.send(new RunInstancesCommand({ ImageId: TEST_AMI, InstanceType: 'g5.xlarge', MinCount: 1, MaxCount: 1 }));
    const tokens = fake.callsTo('RunInstances').map((c) => (c.params as { ClientToken?: string }).ClientToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toBe(tokens[1]);
    expect(fake.instances()).toHaveLength(1);
  });

  test('InsufficientInstanceCapacity is a retried server error that finally surfaces by name', async () => {
    fake.failNext('RunInstances', { code: 'InsufficientInstanceCapacity', message: 'We currently do not have sufficient g5.xlarge capacity.' }, 3);
    const error = await launch(ec2).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'InsufficientInstanceCapacity',
      $fault: 'server',
      message: 'We currently do not have sufficient g5.xlarge capacity.',
      $metadata: { httpStatusCode: 500, attempts: 3 },
    });
    expect(fake.instances()).toHaveLength(0);
  });

  test('UnauthorizedOperation is a 403 with an encoded authorization message, not retried', async () => {
    fake.failNext('RunInstances', { code: 'UnauthorizedOperation', encodedMessage: 'ENCODED-BLOB' });
    const error = await launch(ec2).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'UnauthorizedOperation', $fault: 'client', $metadata: { httpStatusCode: 403, attempts: 1 } });
    expect((error as Error).message).toContain('Encoded authorization failure message: ENCODED-BLOB');
  });

  test('RequestLimitExceeded, HTTP 503 and connection resets are retried by the SDK itself', async () => {
    fake.failNext('DescribeInstances', { code: 'RequestLimitExceeded' });
    fake.failNext('DescribeInstances', { status: 503 });
    const out = await ec2.send(new DescribeInstancesCommand({}));
    expect(out.$metadata.attempts).toBe(3);
    expect(fake.callsTo('DescribeInstances').map((c) => c.errorCode ?? c.status)).toEqual(['RequestLimitExceeded', 'Unavailable', 200]);

    fake.failNext('DescribeInstances', { reset: 'before' });
    const again = await ec2.send(new DescribeInstancesCommand({}));
    expect(again.$metadata.attempts).toBe(2);

    fake.failNext((call) => call.action === 'DescribeInstances', { delayMs: 120 });
    const started = Date.now();
    const slow = await ec2.send(new DescribeInstancesCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(slow.$metadata.attempts).toBe(1);
  });

  test('eventual consistency: NotFound right after launch, absent from filtered results, then visible', async () => {
    await fake.close();
    fake = await startFakeAws({ ec2: { notFoundAfterLaunchMs: 300 } });
    ec2 = ec2ClientFor(fake);
    const id = await launch(ec2);
    await expect(describeOne(ec2, id)).rejects.toMatchObject({
      name: 'InvalidInstanceID.NotFound',
      message: `The instance ID '${id}' does not exist`,
      $metadata: { attempts: 1 },
    });
    const listed = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: [id] }] }));
    expect(listed.Reservations).toEqual([]);
    // The waiter treats InvalidInstanceID.NotFound as "retry".
    await waitUntilInstanceRunning(waiter(ec2), { InstanceIds: [id] });
    expect((await describeOne(ec2, id)).State?.Name).toBe('running');
  });

  test('TerminateInstances is idempotent and walks shutting-down → terminated with a StateReason', async () => {
    const id = await launch(ec2);
    await waitUntilInstanceRunning(waiter(ec2), { InstanceIds: [id] });
    const first = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(first.TerminatingInstances?.[0]).toMatchObject({
      PreviousState: { Code: 16, Name: 'running' },
      CurrentState: { Code: 32, Name: 'shutting-down' },
    });
    const terminated = await eventually(async () => {
      const inst = await describeOne(ec2, id);
      return inst.State?.Name === 'terminated' ? inst : undefined;
    });
    expect(terminated.StateReason?.Code).toBe('Client.UserInitiatedShutdown');
    expect(terminated.StateTransitionReason).toMatch(/^User initiated \(/);
    const second = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(second.TerminatingInstances?.[0]?.CurrentState?.Name).toBe('terminated');
    await expect(ec2.send(new TerminateInstancesCommand({ InstanceIds: ['i-00000000000000000'] }))).rejects.toMatchObject({
      name: 'InvalidInstanceID.NotFound',
    });
  });

  test('RunInstances validation errors', async () => {
    const base = { ImageId: TEST_AMI, InstanceType: 'g5.xlarge', MinCount: 1, MaxCount: 1 } as const;
    const reject = (input: object) => ec2.send(new RunInstancesCommand({ ...base, ...input })).catch((e: unknown) => e);
    expect(await reject({ InstanceType: 'g9.huge' })).toMatchObject({ name: 'InvalidParameterValue' });
    expect(await reject({ ImageId: 'ubuntu' })).toMatchObject({ name: 'InvalidAMIID.Malformed' });
    expect(await reject({ MinCount: undefined })).toMatchObject({ name: 'MissingParameter' });
    expect(await reject({ MinCount: 2, MaxCount: 1 })).toMatchObject({ name: 'InvalidParameterValue' });
    expect(await reject({ UserData: 'not base64!' })).toMatchObject({ name: 'InvalidParameterValue' });
    expect(await reject({ UserData: Buffer.alloc(16 * 1024 + 1).toString('base64') })).toMatchObject({
      name: 'InvalidParameterValue',
      message: 'User data is limited to 16384 bytes',
    });
    expect(
      await reject({
        InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'persistent', InstanceInterruptionBehavior: 'terminate' } },
      }),
    ).toMatchObject({ name: 'InvalidParameterCombination' });
    expect(await reject({ TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'aws:x', Value: '1' }] }] })).toMatchObject({
      name: 'InvalidParameterValue',
    });
    expect(await reject({ DryRun: true })).toMatchObject({ name: 'DryRunOperation', $metadata: { httpStatusCode: 412 } });
    expect(fake.instances()).toHaveLength(0);
  });

  test('catalog calls: spot price history (paginated) and instance types with GPU info', async () => {
    const prices = [];
    for await (const page of paginateDescribeSpotPriceHistory(
      { client: ec2, pageSize: 5 },
      { InstanceTypes: ['g5.xlarge'], ProductDescriptions: ['Linux/UNIX'], StartTime: new Date(Date.now() - 30 * 3_600_000) },
    )) {
      prices.push(...(page.SpotPriceHistory ?? []));
    }
    // Two changes in range plus the last one before StartTime, for each of 3 zones.
    expect(prices).toHaveLength(9);
    expect(prices[0]).toMatchObject({ InstanceType: 'g5.xlarge', ProductDescription: 'Linux/UNIX' });
    expect(Number(prices[0]?.SpotPrice)).toBeGreaterThan(0);
    expect(prices[0]?.Timestamp).toBeInstanceOf(Date);

    const types = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['g5.xlarge'] }));
    expect(types.InstanceTypes?.[0]).toMatchObject({
      InstanceType: 'g5.xlarge',
      VCpuInfo: { DefaultVCpus: 4 },
      MemoryInfo: { SizeInMiB: 16384 },
      GpuInfo: { Gpus: [{ Name: 'A10G', Manufacturer: 'NVIDIA', Count: 1 }] },
    });
    await expect(ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['x9.nope' as _InstanceType] }))).rejects.toMatchObject({
      name: 'InvalidInstanceType',
    });
  });

  test('terminated instances disappear after terminatedVisibleMs', async () => {
    await fake.close();
    fake = await startFakeAws({ ec2: { shuttingDownMs: 20, terminatedVisibleMs: 100 } });
    ec2 = ec2ClientFor(fake);
    const id = await launch(ec2);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await sleep(50);
    expect((await describeOne(ec2, id)).State?.Name).toBe('terminated');
    await sleep(100);
    await expect(describeOne(ec2, id)).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound' });
  });
});
