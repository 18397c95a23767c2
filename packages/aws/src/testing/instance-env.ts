import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { S3Server } from './s3-server.ts';

let cli: 'real' | 'shim' | undefined;

/**
 * Fake instances run `aws s3 …` (transfers, checkpoint syncs) with this
 * process's PATH. The real AWS CLI is used when the machine has one;
 * otherwise (or with RUNCTL_TEST_AWS_CLI=shim) a small stand-in built on the
 * SDK goes first on PATH. Says which one the instances get.
 */
export function provideAwsCli(): 'real' | 'shim' {
  if (cli !== undefined) return cli;
  const real = process.env['RUNCTL_TEST_AWS_CLI'] !== 'shim' && spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!real) process.env['PATH'] = `${fileURLToPath(new URL('../test-support/aws-cli-shim', import.meta.url))}:${process.env['PATH'] ?? ''}`;
  cli = real ? 'real' : 'shim';
  return cli;
}

/** What an instance profile gives a real instance: S3 access, here to the loopback server. For `ssm.env` of the fake. */
export function instanceS3Env(s3: S3Server): Record<string, string> {
  return {
    ...s3.env(),
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
