import { S3Client } from '@aws-sdk/client-s3';
import { instanceS3Env, provideAwsCli, startFakeAws, startS3Server, type FakeAws, type FakeAwsOptions, type S3Server } from '../testing/index.ts';
import { createAws, type AwsProvider } from '../aws-provider.ts';
import type { AwsProviderSettings } from '../aws-settings.ts';
import { defaultImageParameter } from '../dlami.ts';

export const TEST_BUCKET = 'runctl-test';
export const TEST_AMI = 'ami-0123456789abcdef0';
export const TEST_PROFILE = 'runctl-instance';

/** Tests poll fast; the budget itself is tested on its own (aws-rate-budget.test.ts). */
export const GENEROUS_RATE_LIMITS = {
  ec2: { requestsPerSecond: 10_000, burst: 10_000 },
  ssm: { requestsPerSecond: 10_000, burst: 10_000 },
  s3: { requestsPerSecond: 10_000, burst: 10_000 },
};

/** A fake AWS cloud, a real S3 server, and providers aimed at both. */
export interface AwsTestEnv {
  fake: FakeAws;
  s3: S3Server;
  s3Client: S3Client;
  /** Which `aws` CLI the fake instances run: the real one, or the test shim. */
  cli: 'real' | 'shim';
  /** A provider on the fakes; `bucket: false` leaves the S3 bucket out. */
  provider(settings?: Partial<AwsProviderSettings>, options?: { bucket?: boolean }): AwsProvider;
  close(): Promise<void>;
}

export async function startAwsTestEnv(options: { fake?: FakeAwsOptions } = {}): Promise<AwsTestEnv> {
  const which = provideAwsCli();
  const s3 = await startS3Server({ buckets: [TEST_BUCKET] });
  const fakeOptions = options.fake ?? {};
  const fake = await startFakeAws({
    ...fakeOptions,
    ec2: { runUserData: true, ...fakeOptions.ec2 },
    ssm: {
      onlineAfterMs: 50,
      ...fakeOptions.ssm,
      env: { ...instanceS3Env(s3), ...fakeOptions.ssm?.env },
    },
  });
  for (const architecture of ['x86_64', 'arm64'] as const) {
    for (const nvidiaGpu of [true, false]) fake.setParameter(defaultImageParameter({ architecture, nvidiaGpu }), TEST_AMI);
  }
  const s3Client = new S3Client(s3.clientConfig());
  const providers: AwsProvider[] = [];
  return {
    fake,
    s3,
    s3Client,
    cli: which,
    provider: (settings = {}, options = {}) => {
      const provider = createAws({
        region: 'us-east-1',
        ...(options.bucket === false ? {} : { bucket: TEST_BUCKET }),
        instanceProfile: TEST_PROFILE,
        spotGrace: '3s',
        killGrace: '2s',
        rateLimit: GENEROUS_RATE_LIMITS,
        ...settings,
        clientConfig: {
          ec2: { ...fake.clientConfig(), maxAttempts: 3 },
          ssm: { ...fake.clientConfig(), maxAttempts: 3 },
          sts: fake.clientConfig(),
          s3: s3.clientConfig(),
          ...settings.clientConfig,
        },
        _internal: { spotPollSeconds: 1, commandPollMs: 20, followPollMs: [50, 250], commandLivenessMs: 500, ...settings._internal },
      });
      providers.push(provider);
      return provider;
    },
    close: async () => {
      for (const provider of providers) provider.close();
      s3Client.destroy();
      await fake.close();
      await s3.close();
    },
  };
}
