/**
 * Test doubles for the AWS provider: a stateful fake of EC2 and SSM behind a
 * loopback HTTP server (the real AWS SDK clients talk to it), and a real
 * S3-compatible server (s3rver) on loopback.
 */
export { startFakeAws } from './fake-aws.ts';
export type { FakeAws, FakeCommandInfo, FakeInstanceInfo } from './fake-aws.ts';
export type { FakeAwsOptions, FakeEc2Options, FakeSsmOptions } from './fake-aws-options.ts';
export type { CallMatcher, FakeAwsCall, FakeFault } from './faults.ts';
export type { InstanceStateName, StateReason } from './fake-ec2-instances.ts';
export type { GpuSpec, InstanceTypeSpec } from './instance-types.ts';
export type { InvocationStatus } from './ssm-commands.ts';
export { FAKE_CREDENTIALS, fakeAwsClientConfig, fakeAwsEnv, type FakeAwsClientConfig } from './client-config.ts';
export { startS3Server, type S3ClientSettings, type S3Server, type S3ServerOptions } from './s3-server.ts';
export { STDERR_LIMIT, STDOUT_LIMIT } from './ssm-output.ts';
export { instanceS3Env, provideAwsCli } from './instance-env.ts';
