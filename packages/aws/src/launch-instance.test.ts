import { RunctlError } from '@runctl/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_AMI, startAwsTestEnv, type AwsTestEnv } from './test-support/aws-test-env.ts';
import { createAws, type AwsProvider } from './aws-provider.ts';

const tokenOf = (call: { params: unknown }): unknown => (call.params as Record<string, unknown>)['ClientToken'];

describe('createResource against the fake EC2', () => {
  let env: AwsTestEnv;
  let mark = 0;
  const since = (action?: string) => env.fake.calls.slice(mark).filter((call) => action === undefined || call.action === action);
  let aws: AwsProvider;
  beforeAll(async () => {
    env = await startAwsTestEnv({ fake: { ec2: { runUserData: false } } });
    aws = env.provider();
  });
  afterAll(() => env.close());
  beforeEach(() => {
    env.fake.clearFaults();
    mark = env.fake.calls.length;
  });
  const runCalls = () => since('RunInstances');

  it('launches with IMDSv2, terminate-on-shutdown, tags on instance and volumes, the DLAMI and a disk size', async () => {
    const status = await aws.createResource('A10G', { name: 'tagged', tags: { team: 'ml' }, diskGb: 120, maxLifetime: '3h' });
    expect(status.instanceType).toBe('g5.xlarge');
    expect(status.state).toBe('starting');
    expect(status.raw).toBe('pending');
    expect(status.name).toBe('tagged');
    expect(status.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 3 * 3_600_000 - 60_000);
    const info = env.fake.instance(status.id);
    expect(info?.imageId).toBe(TEST_AMI);
    expect(info?.metadataOptions.httpTokens).toBe('required');
    expect(info?.shutdownBehavior).toBe('terminate');
    expect(info?.iamInstanceProfile?.name).toBe('runctl-instance');
    expect(info?.tags).toMatchObject({ team: 'ml', 'runctl:managed': 'true', 'runctl:name': 'tagged', 'runctl:expires-at': status.expiresAt?.toISOString() });
    expect(info?.volumes).toEqual([expect.objectContaining({ deviceName: '/dev/sda1', size: 120, volumeType: 'gp3', tags: info?.tags })]);
    // The AMI came from the public SSM parameter of the GPU Deep Learning AMI.
    const parameter = since().find((call) => call.action === 'GetParameter');
    expect((parameter?.params as { Name: string }).Name).toBe('/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id');
    // The user data powers the machine off after 180 minutes.
    expect(info?.userDataText).toContain("lifetime_minutes=180");
    expect(info?.userDataText?.startsWith('#!/bin/sh\n')).toBe(true);
  });

  it('asks for one-time Spot that terminates on interruption', async () => {
    const status = await aws.createResource('g4dn.xlarge', { spot: true });
    expect(status.spot).toBe(true);
    expect(env.fake.instance(status.id)?.spotOptions).toMatchObject({ spotInstanceType: 'one-time', interruptionBehavior: 'terminate' });
    expect(env.fake.instance(status.id)?.userDataText).toContain('watcher_text=');
  });

  it('moves to the next fallback with a new ClientToken on InsufficientInstanceCapacity, without retrying the same one', async () => {
    env.fake.failNext('RunInstances', { code: 'InsufficientInstanceCapacity' });
    const status = await aws.createResource('g5.xlarge', { fallbacks: ['g6.xlarge'] });
    expect(status.instanceType).toBe('g6.xlarge');
    const calls = runCalls();
    expect(calls.map((call) => call.errorCode ?? 'ok')).toEqual(['InsufficientInstanceCapacity', 'ok']);
    expect(tokenOf(calls[0] as { params: unknown })).not.toBe(tokenOf(calls[1] as { params: unknown }));
    expect(String(tokenOf(calls[1] as { params: unknown }))).toMatch(/^runctl-[0-9a-f]{32}-1$/);
  });

  it('falls back to another zone, and reports CAPACITY with every attempt when none has room', async () => {
    env.fake.failNext('RunInstances', { code: 'InsufficientInstanceCapacity' }, 3);
    const error = await aws.createResource('g5.xlarge', { fallbacks: ['us-east-1b', { instanceType: 'L4', availabilityZone: 'us-east-1c' }] }).catch((caught: unknown) => caught);
    expect(RunctlError.hasCode(error, 'CAPACITY')).toBe(true);
    expect((error as RunctlError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/Tried g5\.xlarge \(InsufficientInstanceCapacity.*\); g5\.xlarge in us-east-1b \(.*\); g6\.xlarge in us-east-1c \(/);
    expect(runCalls()).toHaveLength(3);
    expect(new Set(runCalls().map(tokenOf)).size).toBe(3);
  });

  it('launches exactly one instance when the RunInstances answer is lost and the call retried', async () => {
    const before = env.fake.instances().length;
    env.fake.failNext('RunInstances', { reset: 'after' });
    const status = await aws.createResource('t3.micro');
    expect(env.fake.instances().length).toBe(before + 1);
    const calls = runCalls();
    expect(calls.length).toBe(2);
    expect(tokenOf(calls[0] as { params: unknown })).toBe(tokenOf(calls[1] as { params: unknown }));
    expect(env.fake.instance(status.id)?.clientToken).toBe(tokenOf(calls[0] as { params: unknown }));
  });

  it('retries throttling with the same ClientToken', async () => {
    env.fake.failNext('RunInstances', { code: 'RequestLimitExceeded' }, 3);
    const before = env.fake.instances().length;
    await aws.createResource('t3.micro');
    expect(env.fake.instances().length).toBe(before + 1);
    expect(new Set(runCalls().map(tokenOf)).size).toBe(1);
    expect(runCalls().length).toBe(4);
  });

  it('turns UnauthorizedOperation into AUTH, decoded through STS into the refused action and resource', async () => {
    env.fake.failNext('RunInstances', { code: 'UnauthorizedOperation', encodedMessage: 'ENCODED-abc123' });
    const error = await aws.createResource('t3.micro').catch((caught: unknown) => caught);
    expect(RunctlError.hasCode(error, 'AUTH')).toBe(true);
    const { message, hint } = error as RunctlError;
    expect(message).toContain('Encoded authorization failure message: ENCODED-abc123');
    expect(message).toContain('(decoded: ec2:RunInstances on arn:aws:ec2:us-east-1:123456789012:instance/* is not allowed)');
    expect(hint).toBe('Allow ec2:RunInstances on arn:aws:ec2:us-east-1:123456789012:instance/* for these credentials; docs/providers/aws.md lists the minimal policy.');
    // The decoded document also names the principal and the request's conditions; they stay out of the error.
    expect(message).not.toContain('runctl-test');
    expect(message).not.toContain('aws:Region');
    expect(runCalls()).toHaveLength(1);
    expect(since('DecodeAuthorizationMessage')).toHaveLength(1);
  });

  it('says when a Deny statement is what refused it', async () => {
    env.fake.failNext('RunInstances', { code: 'UnauthorizedOperation', explicitDeny: true });
    const error = await aws.createResource('t3.micro').catch((caught: unknown) => caught);
    expect((error as RunctlError).message).toContain('is explicitly denied)');
    expect((error as RunctlError).hint).toContain('A Deny statement');
  });

  it('keeps the encoded message and says how to decode it when STS refuses to decode', async () => {
    env.fake.failNext('RunInstances', { code: 'UnauthorizedOperation', encodedMessage: 'ENCODED-def456' });
    env.fake.failNext('sts:DecodeAuthorizationMessage', { code: 'AccessDenied', message: 'User is not authorized to perform: sts:DecodeAuthorizationMessage' });
    const error = await aws.createResource('t3.micro').catch((caught: unknown) => caught);
    expect(RunctlError.hasCode(error, 'AUTH')).toBe(true);
    expect((error as Error).message).toContain('Encoded authorization failure message: ENCODED-def456');
    expect((error as Error).message).not.toContain('decoded:');
    expect((error as RunctlError).hint).toContain('aws sts decode-authorization-message');
    expect(since('DecodeAuthorizationMessage')).toEqual([expect.objectContaining({ status: 403, errorCode: 'AccessDenied' })]);
  });

  it('decodes a denied TerminateInstances too, and leaves the instance for a retry', async () => {
    const status = await aws.createResource('t3.micro');
    env.fake.failNext('TerminateInstances', { code: 'UnauthorizedOperation', explicitDeny: true });
    const error = await aws.terminate(status.id).catch((caught: unknown) => caught);
    expect(RunctlError.hasCode(error, 'AUTH')).toBe(true);
    expect((error as Error).message).toContain('(decoded: ec2:TerminateInstances on arn:aws:ec2:us-east-1:123456789012:instance/* is explicitly denied)');
    await aws.terminate(status.id);
    expect(env.fake.instance(status.id)?.state).toMatch(/shutting-down|terminated/);
  });

  it('maps quota errors to QUOTA', async () => {
    env.fake.failNext('RunInstances', { code: 'VcpuLimitExceeded', message: 'You have requested more vCPU capacity than your current vCPU limit of 0 allows' });
    const error = await aws.createResource('p5.48xlarge').catch((caught: unknown) => caught);
    expect(RunctlError.hasCode(error, 'QUOTA')).toBe(true);
  });

  it('returns the same instance for the same idempotencyKey, even from another provider (another process)', async () => {
    const first = await aws.createResource('t3.micro', { idempotencyKey: 'nightly-2026-11-26' });
    const again = await env.provider().createResource('t3.micro', { idempotencyKey: 'nightly-2026-11-26' });
    expect(again.id).toBe(first.id);
    expect(env.fake.instances().filter((instance) => instance.clientToken === env.fake.instance(first.id)?.clientToken)).toHaveLength(1);
  });

  it('never puts a credential into the user data, tags or SSM commands', async () => {
    const secret = env.fake.clientConfig().credentials.secretAccessKey;
    const status = await aws.createResource('g5.xlarge', { spot: true, name: 'leak-check' });
    for (const instance of env.fake.instances()) {
      const text = JSON.stringify({ userData: instance.userDataText, raw: instance.userData, tags: instance.tags, volumes: instance.volumes });
      expect(text).not.toContain(secret);
      expect(text).not.toContain(env.s3.credentials.secretAccessKey);
    }
    expect(JSON.stringify(env.fake.commands().map((command) => command.parameters))).not.toContain(secret);
    expect(JSON.stringify(since().map((call) => call.params))).not.toContain(secret);
    await aws.terminate(status.id);
  });

  it('rejects bad options naming the field', async () => {
    const field = async (promise: Promise<unknown>): Promise<unknown> => ((await promise.catch((error: unknown) => error)) as { field?: string }).field;
    expect(await field(aws.createResource('not-a-type!'))).toBe('instanceType');
    expect(await field(aws.createResource('t3.micro', { diskGb: 2 }))).toBe('options.diskGb');
    expect(await field(aws.createResource('t3.micro', { fallbacks: ['nope nope'] }))).toBe('options.fallbacks[0]');
    expect(await field(aws.createResource('t3.micro', { image: 'ubuntu' }))).toBe('options.image');
    expect(await field(aws.createResource('t3.micro', { availabilityZone: 'moon-1' }))).toBe('options.availabilityZone');
    expect(await field(createAws({ region: 'us-east-1' }).createResource('t3.micro'))).toBe('settings.instanceProfile');
    expect(runCalls()).toHaveLength(0);
  });
});
