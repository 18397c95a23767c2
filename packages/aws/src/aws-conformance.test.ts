import { describeProviderConformance } from '@runctl/core/testing';
import { startAwsTestEnv, type AwsTestEnv } from './test-support/aws-test-env.ts';

let env: AwsTestEnv;
describeProviderConformance(
  'aws (fake EC2/SSM, real S3 server)',
  async () => {
    env = await startAwsTestEnv();
    return env.provider();
  },
  { instanceType: 't3.micro', timeout: 60_000, cleanup: () => env.close() },
);
