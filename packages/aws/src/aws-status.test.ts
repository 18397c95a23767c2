import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { ResourceWatcher, RunctlError, type ResourceStatus } from '@runctl/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_AMI, startAwsTestEnv, type AwsTestEnv } from './test-support/aws-test-env.ts';
import type { AwsProvider } from './aws-provider.ts';

describe('status, list and terminate against the fake EC2', () => {
  let env: AwsTestEnv;
  let mark = 0;
  const since = (action?: string) => env.fake.calls.slice(mark).filter((call) => action === undefined || call.action === action);
  let aws: AwsProvider;
  beforeAll(async () => {
    // New instances stay invisible to other calls for 1.5 s, as EC2's eventual consistency allows.
    env = await startAwsTestEnv({ fake: { ec2: { runUserData: false, notFoundAfterLaunchMs: 1_500 } } });
    aws = env.provider();
  });
  afterAll(() => env.close());
  beforeEach(() => {
    mark = env.fake.calls.length;
  });

  it('answers for a just-launched instance EC2 does not show yet, then terminates and confirms it', async () => {
    const created = await aws.createResource('t3.micro', { name: 'fresh' });
    expect((await aws.getResourceStatus(created.id)).state).toBe('starting');
    expect((await aws.listResources({ ids: [created.id] })).map((status) => status.id)).toEqual([created.id]);
    // TerminateInstances answers InvalidInstanceID.NotFound while the instance is invisible: that proves nothing.
    await aws.terminate(created.id);
    expect(since('TerminateInstances').some((call) => call.errorCode === 'InvalidInstanceID.NotFound')).toBe(true);
    expect(['shutting-down', 'terminated']).toContain(env.fake.instance(created.id)?.state);
    const after = await aws.getResourceStatus(created.id);
    expect(['terminating', 'terminated']).toContain(after.state);
    await expect(aws.terminate(created.id)).resolves.toBeUndefined();
  });

  it('batches the status of many instances into one DescribeInstances call', async () => {
    const created = await Promise.all(Array.from({ length: 5 }, (_, index) => aws.createResource('t3.micro', { name: `batch-${index}` })));
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    mark = env.fake.calls.length;
    const statuses = await Promise.all(created.map((resource) => aws.getResourceStatus(resource.id)));
    expect(statuses.map((status) => status.name)).toEqual(created.map((resource) => resource.name));
    expect(since('DescribeInstances')).toHaveLength(1);

    mark = env.fake.calls.length;
    const watcher = new ResourceWatcher({ interval: 100 });
    const seen = new Map<string, ResourceStatus>();
    watcher.on('state', (status) => seen.set(status.id, status));
    for (const resource of created) watcher.watch(aws, resource.id);
    await new Promise((resolve) => setTimeout(resolve, 350));
    watcher.stop();
    expect(seen.size).toBe(5);
    const polls = since('DescribeInstances').length;
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(polls).toBeLessThanOrEqual(5);
    await Promise.all(created.map((resource) => aws.terminate(resource.id)));
  });

  it('lists by tag and state, and keeps the raw EC2 state', async () => {
    const tagged = await aws.createResource('t3.micro', { tags: { project: 'listing' } });
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const running = await aws.listResources({ tags: { project: 'listing' }, states: ['running'] });
    expect(running.map((status) => [status.id, status.state, status.raw])).toEqual([[tagged.id, 'running', 'running']]);
    expect(await aws.listResources({ tags: { project: 'listing' }, states: ['terminated'] })).toEqual([]);
    await aws.terminate(tagged.id);
    expect((await aws.listResources({ tags: { project: 'listing' }, states: ['terminating', 'terminated'] })).map((status) => status.id)).toEqual([tagged.id]);
  });

  it('never sees or terminates instances runctl did not create', async () => {
    const ec2 = new EC2Client(env.fake.clientConfig());
    const out = await ec2.send(new RunInstancesCommand({ ImageId: TEST_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }));
    ec2.destroy();
    const id = out.Instances?.[0]?.InstanceId as string;
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    await expect(aws.getResourceStatus(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const error = await aws.terminate(id).catch((caught: unknown) => caught);
    expect(RunctlError.hasCode(error, 'NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain('not created by runctl');
    expect(env.fake.instance(id)?.state).toBe('running');
    expect(since('TerminateInstances')).toHaveLength(0);
  });

  it('gives NOT_FOUND for ids that are not instance ids without calling AWS, and resolves terminate of long-gone ones', async () => {
    await expect(aws.getResourceStatus('local-123')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(since()).toHaveLength(0);
    await expect(aws.terminate('i-0123456789abcdef0')).resolves.toBeUndefined();
  });
});
