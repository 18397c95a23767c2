import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { InvalidInputError, RunctlError } from '@runctl/core';
import { describe, expect, it } from 'vitest';
import { awsError } from './aws-errors.ts';
import { resolveAwsSettings } from './aws-settings.ts';
import { guessFacts } from './dlami.ts';
import { createAws } from './index.ts';
import { launchPlacements, resolveInstanceType } from './instance-type.ts';

const fieldOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    if (InvalidInputError.isInstance(error)) return error.field;
    throw error;
  }
  return undefined;
};

describe('createAws', () => {
  it('loads no AWS SDK module on import or creation (they load on first use)', () => {
    const index = fileURLToPath(new URL('./index.ts', import.meta.url));
    const script = `
      import { registerHooks } from 'node:module';
      const loaded = [];
      registerHooks({ resolve(specifier, context, next) { if (specifier.startsWith('@aws-sdk/')) loaded.push(specifier); return next(specifier, context); } });
      const { createAws } = await import(${JSON.stringify(index)});
      createAws({ region: 'eu-west-1', bucket: 'my-bucket', instanceProfile: 'p' });
      console.log(JSON.stringify(loaded));`;
    const result = spawnSync(process.execPath, ['--conditions=@runctl/source', '--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('validates settings, naming the field', () => {
    expect(fieldOf(() => createAws({ bucket: 'Not_A_Bucket' }))).toBe('settings.bucket');
    expect(fieldOf(() => createAws({ transport: 'scp' as 'ssh' }))).toBe('settings.transport');
    expect(fieldOf(() => createAws({ region: 'mars' }))).toBe('settings.region');
    expect(fieldOf(() => createAws({ defaultMaxLifetime: 'soon' }))).toBe('settings.defaultMaxLifetime');
    expect(fieldOf(() => createAws({ workspace: 'relative/path' }))).toBe('settings.workspace');
    expect(fieldOf(() => createAws({ ssh: { endpoint: 'host' as never } }))).toBe('settings.ssh.endpoint');
    expect(fieldOf(() => createAws({ securityGroupIds: ['default'] }))).toBe('settings.securityGroupIds[0]');
  });

  it('defaults to SSM, a 24 h hard lifetime, and ~/runctl', () => {
    const settings = resolveAwsSettings({});
    expect(settings).toMatchObject({ transport: 'ssm', defaultMaxLifetimeMs: 86_400_000, workspace: '~/runctl', prefix: 'runctl' });
    expect(resolveAwsSettings({ defaultMaxLifetime: false }).defaultMaxLifetimeMs).toBeUndefined();
    expect(resolveAwsSettings({ defaultMaxLifetime: '90m' }).defaultMaxLifetimeMs).toBe(5_400_000);
  });
});

describe('instance types and fallbacks', () => {
  it('takes EC2 types as they are and GPU names from the catalog', () => {
    expect(resolveInstanceType('g6e.12xlarge', 'instanceType', 'aws')).toBe('g6e.12xlarge');
    expect(resolveInstanceType('L4', 'instanceType', 'aws')).toBe('g6.xlarge');
    expect(resolveInstanceType('h100', 'instanceType', 'aws')).toBe('p5.48xlarge');
    expect(fieldOf(() => resolveInstanceType('RTX4090', 'instanceType', 'aws'))).toBe('instanceType');
  });

  it('reads fallbacks as types, zones, or both', () => {
    expect(launchPlacements({ instanceType: 'g5.xlarge', availabilityZone: 'us-east-1a' }, ['g6.xlarge', 'us-east-1b', { instanceType: 'T4', subnetId: 'subnet-0abc' }], 'aws')).toEqual([
      { instanceType: 'g5.xlarge', availabilityZone: 'us-east-1a' },
      { instanceType: 'g6.xlarge', availabilityZone: 'us-east-1a' },
      { instanceType: 'g5.xlarge', availabilityZone: 'us-east-1b' },
      { instanceType: 'g4dn.xlarge', availabilityZone: 'us-east-1a', subnetId: 'subnet-0abc' },
    ]);
  });

  it('guesses architecture and GPU when DescribeInstanceTypes is not allowed', () => {
    expect(guessFacts('g5.xlarge')).toEqual({ architecture: 'x86_64', nvidiaGpu: true });
    expect(guessFacts('g5g.xlarge')).toEqual({ architecture: 'arm64', nvidiaGpu: true });
    expect(guessFacts('c7gn.large')).toEqual({ architecture: 'arm64', nvidiaGpu: false });
    expect(guessFacts('g4dn.xlarge')).toEqual({ architecture: 'x86_64', nvidiaGpu: true });
    expect(guessFacts('m5.large')).toEqual({ architecture: 'x86_64', nvidiaGpu: false });
  });
});

describe('AWS errors', () => {
  const sdkError = (name: string, message: string, status: number, fault: 'client' | 'server' = status >= 500 ? 'server' : 'client') =>
    Object.assign(new Error(message), { name, $fault: fault, $metadata: { httpStatusCode: status }, $response: { headers: { authorization: 'AWS4-HMAC-SHA256 secret-bits' } } });

  it.each([
    ['InsufficientInstanceCapacity', 500, 'CAPACITY', true],
    ['RequestLimitExceeded', 503, 'RATE_LIMITED', true],
    ['ThrottlingException', 400, 'RATE_LIMITED', true],
    ['UnauthorizedOperation', 403, 'AUTH', false],
    ['ExpiredToken', 400, 'AUTH', false],
    ['VcpuLimitExceeded', 400, 'QUOTA', false],
    ['InvalidInstanceID.NotFound', 400, 'NOT_FOUND', false],
    ['InvalidParameterValue', 400, 'INVALID_INPUT', false],
    ['InternalError', 500, 'PROVIDER', true],
    ['SomethingNew', 400, 'PROVIDER', false],
  ] as const)('%s (HTTP %i) → %s', (name, status, code, retryable) => {
    const error = awsError(sdkError(name, 'boom', status), { operation: 'Op', provider: 'aws' });
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.statusCode).toBe(status);
    expect(JSON.stringify({ ...error, cause: String(error.cause) })).not.toContain('secret-bits');
  });

  it('explains missing credentials and broken connections', () => {
    const missing = awsError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), { operation: 'RunInstances', provider: 'aws' });
    expect(missing.code).toBe('AUTH');
    expect(missing.hint).toContain('AWS_PROFILE');
    const reset = awsError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), { operation: 'DescribeInstances', provider: 'aws' });
    expect(reset).toMatchObject({ code: 'PROVIDER', retryable: true });
    expect(reset.message).toContain('ECONNRESET');
    expect(RunctlError.isInstance(awsError(reset, { operation: 'x', provider: 'aws' }))).toBe(true);
  });
});
