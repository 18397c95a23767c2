import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createAws, type AwsClientConfigs, type AwsProviderSettings } from '@runctl/aws';
import { registerSecret } from '@runctl/core';
import type { ProviderDetector } from '../registry-from-env.ts';
import { createFromEnv, describeSettings, envValue } from './env-settings.ts';

/**
 * Where the SDK's default credential chain would find credentials, judged
 * from the environment and files alone: resolving the chain for real may call
 * the network (SSO, instance metadata), which detection never does.
 * An instance role cannot be seen this way; set RUNCTL_AWS=1 to use one.
 */
function credentialSource(env: NodeJS.ProcessEnv): string | undefined {
  if (envValue(env, 'AWS_ACCESS_KEY_ID') !== undefined && envValue(env, 'AWS_SECRET_ACCESS_KEY') !== undefined) return 'AWS_ACCESS_KEY_ID is set';
  if (envValue(env, 'AWS_PROFILE') !== undefined) return `AWS_PROFILE=${envValue(env, 'AWS_PROFILE')}`;
  if (envValue(env, 'AWS_WEB_IDENTITY_TOKEN_FILE') !== undefined) return 'web identity (AWS_WEB_IDENTITY_TOKEN_FILE)';
  if (envValue(env, 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI') !== undefined || envValue(env, 'AWS_CONTAINER_CREDENTIALS_FULL_URI') !== undefined) return 'container credentials';
  const home = env.HOME ?? homedir();
  for (const file of [envValue(env, 'AWS_SHARED_CREDENTIALS_FILE') ?? join(home, '.aws', 'credentials'), envValue(env, 'AWS_CONFIG_FILE') ?? join(home, '.aws', 'config')]) {
    if (existsSync(file)) return `shared config ${file}`;
  }
  if (envValue(env, 'RUNCTL_AWS') === '1') return 'RUNCTL_AWS=1 (the default credential chain, e.g. an instance role)';
  return undefined;
}

/** Environment variables of the SDK's credential chain that hold secrets. */
const SECRET_VARIABLES = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'] as const;

/**
 * What the SDK reads from `process.env` by itself, taken from `env` when the
 * registry is built from another environment (so that environment's
 * credentials and endpoints win, as its API keys do for the other providers):
 * static keys, the profile, and `AWS_ENDPOINT_URL[_<SERVICE>]`. The SDK's
 * other variables (retries, shared-file paths, …) still come from `process.env`.
 */
function sdkSettingsFrom(env: NodeJS.ProcessEnv): Pick<AwsProviderSettings, 'credentials' | 'profile' | 'clientConfig'> {
  if (env === process.env) return {};
  const accessKeyId = envValue(env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = envValue(env, 'AWS_SECRET_ACCESS_KEY');
  const sessionToken = envValue(env, 'AWS_SESSION_TOKEN');
  const profile = envValue(env, 'AWS_PROFILE');
  const clientConfig: AwsClientConfigs = {};
  for (const service of ['ec2', 'ssm', 's3', 'pricing'] as const) {
    const endpoint = envValue(env, `AWS_ENDPOINT_URL_${service.toUpperCase()}`) ?? envValue(env, 'AWS_ENDPOINT_URL');
    if (endpoint !== undefined) clientConfig[service] = { endpoint };
  }
  return {
    ...(accessKeyId === undefined || secretAccessKey === undefined ? {} : { credentials: { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) } }),
    ...(profile === undefined ? {} : { profile }),
    ...(Object.keys(clientConfig).length === 0 ? {} : { clientConfig }),
  };
}

/**
 * AWS when the default credential chain has something to find. Settings from
 * the environment: `RUNCTL_AWS_BUCKET`, `RUNCTL_AWS_INSTANCE_PROFILE`,
 * `RUNCTL_AWS_SUBNET`, `RUNCTL_AWS_SECURITY_GROUPS` (comma-separated),
 * `RUNCTL_AWS_KEY_NAME` and `RUNCTL_AWS_TRANSPORT` (`ssm` or `ssh`). Region and
 * endpoints come from the SDK's own variables (`AWS_REGION`, `AWS_ENDPOINT_URL_EC2`…).
 */
export const awsDetector: ProviderDetector = {
  provider: 'aws',
  detect: (env) => {
    const source = credentialSource(env);
    if (source === undefined) return { reason: 'no AWS credentials found (environment, AWS_PROFILE, ~/.aws); RUNCTL_AWS=1 uses the default chain anyway' };
    // The SDK reads these itself, so runctl never holds them; registered, they are
    // scrubbed from every error and log line like the other providers' keys.
    for (const name of SECRET_VARIABLES) registerSecret(envValue(env, name));
    const overrides = {
      RUNCTL_AWS_BUCKET: envValue(env, 'RUNCTL_AWS_BUCKET'),
      RUNCTL_AWS_INSTANCE_PROFILE: envValue(env, 'RUNCTL_AWS_INSTANCE_PROFILE'),
      RUNCTL_AWS_SUBNET: envValue(env, 'RUNCTL_AWS_SUBNET'),
      RUNCTL_AWS_SECURITY_GROUPS: envValue(env, 'RUNCTL_AWS_SECURITY_GROUPS'),
      RUNCTL_AWS_KEY_NAME: envValue(env, 'RUNCTL_AWS_KEY_NAME'),
      RUNCTL_AWS_TRANSPORT: envValue(env, 'RUNCTL_AWS_TRANSPORT'),
    };
    const region = envValue(env, 'AWS_REGION') ?? envValue(env, 'AWS_DEFAULT_REGION');
    const settings: AwsProviderSettings = {
      ...sdkSettingsFrom(env),
      ...(region === undefined ? {} : { region }),
      ...(overrides.RUNCTL_AWS_BUCKET === undefined ? {} : { bucket: overrides.RUNCTL_AWS_BUCKET }),
      ...(overrides.RUNCTL_AWS_INSTANCE_PROFILE === undefined ? {} : { instanceProfile: overrides.RUNCTL_AWS_INSTANCE_PROFILE }),
      ...(overrides.RUNCTL_AWS_SUBNET === undefined ? {} : { subnetId: overrides.RUNCTL_AWS_SUBNET }),
      ...(overrides.RUNCTL_AWS_SECURITY_GROUPS === undefined ? {} : { securityGroupIds: overrides.RUNCTL_AWS_SECURITY_GROUPS.split(',').map((group) => group.trim()).filter(Boolean) }),
      ...(overrides.RUNCTL_AWS_KEY_NAME === undefined ? {} : { keyName: overrides.RUNCTL_AWS_KEY_NAME }),
      ...(overrides.RUNCTL_AWS_TRANSPORT === undefined ? {} : { transport: overrides.RUNCTL_AWS_TRANSPORT as 'ssm' | 'ssh' }),
    };
    const provider = createFromEnv(() => createAws(settings), {
      bucket: 'RUNCTL_AWS_BUCKET',
      instanceProfile: 'RUNCTL_AWS_INSTANCE_PROFILE',
      subnetId: 'RUNCTL_AWS_SUBNET',
      securityGroupIds: 'RUNCTL_AWS_SECURITY_GROUPS',
      keyName: 'RUNCTL_AWS_KEY_NAME',
      transport: 'RUNCTL_AWS_TRANSPORT',
    });
    return { provider, reason: describeSettings(`credentials from ${source}`, overrides) };
  },
};
