import { expandHome } from '@runctl/agent';
import type { EC2ClientConfig } from '@aws-sdk/client-ec2';
import type { PricingClientConfig } from '@aws-sdk/client-pricing';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import type { SSMClientConfig } from '@aws-sdk/client-ssm';
import type { STSClientConfig } from '@aws-sdk/client-sts';
import { InvalidInputError, durationSchema, integerSchema, oneOfSchema, parseInput, positiveSchema, registerSecret, textSchema, z, type Duration } from '@runctl/core';
import { DEFAULT_AWS_RATE_LIMITS, type AwsRateLimit, type AwsRateService } from './aws-rate-budget.ts';
import { bucketSchema } from './aws-schemas.ts';

/** Where the SSH data plane connects for one instance. */
export interface AwsSshEndpoint {
  host: string;
  port?: number;
}

/** The SSH data plane (`transport: 'ssh'`). The instance needs `keyName` and a security group that admits you. */
export interface AwsSshSettings {
  /** Login on the instance (default `ubuntu`, the user of Ubuntu and Deep Learning AMIs). */
  username?: string;
  /** The private key of `keyName`: its OpenSSH/PEM text, or the path of the key file (`~/` allowed). */
  privateKey?: string;
  /** Passphrase of an encrypted `privateKey`. */
  passphrase?: string;
  /** Authenticate with ssh-agent: `true` for `$SSH_AUTH_SOCK`, or the agent's socket path. */
  agent?: boolean | string;
  /** Folder of the per-instance known_hosts files runctl pins host keys into (default `~/.runctl/known_hosts/aws`). */
  knownHostsDir?: string;
  /** Which address to use (default `public`). */
  address?: 'public' | 'private';
  /** SSH port (default 22). */
  port?: number;
  /** Overrides the address, e.g. for a bastion or an SSM port forward to `127.0.0.1`. */
  endpoint?: (instance: { id: string; publicIp?: string | undefined; privateIp?: string | undefined }) => AwsSshEndpoint;
}

/** Extra AWS SDK client configuration per service (endpoints, retries, credentials, …). */
export interface AwsClientConfigs {
  ec2?: Partial<EC2ClientConfig>;
  ssm?: Partial<SSMClientConfig>;
  s3?: Partial<S3ClientConfig>;
  pricing?: Partial<PricingClientConfig>;
  /** Used only to decode the message of an IAM denial. */
  sts?: Partial<STSClientConfig>;
}

/** Client-side pacing of one service's calls. */
export interface AwsRateLimitSettings {
  /** Sustained requests per second. */
  requestsPerSecond?: number;
  /** Requests allowed back to back after a quiet spell. */
  burst?: number;
}

/**
 * Settings of {@link createAws}. Everything is optional; nothing is read
 * (no environment variable, no credential, no network) until the first call
 * that needs it.
 */
export interface AwsProviderSettings {
  /** Region. Default: the SDK's chain (`AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's region). */
  region?: string;
  /**
   * Credentials, or a function returning them. Default: the SDK's default
   * chain (environment, SSO, shared files, web identity, ECS/EC2 roles),
   * resolved on the first call that needs it.
   */
  credentials?: EC2ClientConfig['credentials'];
  /** Named profile for the default credential chain. */
  profile?: string;
  /**
   * S3 bucket for code bundles, folder transfers, checkpoints and
   * `s3://` data. Needed for `workdir` over SSM and for checkpoint syncs.
   */
  bucket?: string;
  /** Key prefix in `bucket` (default `runctl`). */
  prefix?: string;
  /** Instance profile (name or ARN) the instances run as; SSM and S3 access come from it. */
  instanceProfile?: string;
  /** Subnet to launch into (default: the default VPC's subnet in the chosen zone). */
  subnetId?: string;
  /** Security groups (default: the VPC's default group). With SSM no inbound rule is needed. */
  securityGroupIds?: readonly string[];
  /** EC2 key pair installed on the instances (needed by `transport: 'ssh'`). */
  keyName?: string;
  /** The data plane: `ssm` (default; no open port) or `ssh`. */
  transport?: 'ssm' | 'ssh';
  /** Settings of the SSH data plane. */
  ssh?: AwsSshSettings;
  /** Workspace folder on the instance; `~/` is the data-plane user's home (default `~/runctl`). */
  workspace?: string;
  /**
   * Hard lifetime of instances created without `maxLifetime`, enforced on the
   * machine with `shutdown -h` (default `'24h'`; `false` for none).
   */
  defaultMaxLifetime?: Duration | false;
  /** How long `train` and friends wait for an instance to run and its SSM agent to be Online (default `'20m'`). */
  readyTimeout?: Duration;
  /** Time a job gets between SIGTERM and SIGKILL on cancel or maxRuntime (default `'10s'`). */
  killGrace?: Duration;
  /** How long a spot-interrupted job may take to checkpoint before its checkpoints are synced anyway (default `'90s'`). */
  spotGrace?: Duration;
  /** Refresh on-demand prices from the AWS Price List API (`pricing:GetProducts`) instead of the bundled table (default false). */
  livePrices?: boolean;
  /** How long live prices are reused (default `'6h'`). */
  priceTtl?: Duration;
  /** Extra SDK client configuration per service, e.g. endpoints for tests or `maxAttempts`. */
  clientConfig?: AwsClientConfigs;
  /**
   * Client-side pacing per service, shared by every provider instance on the
   * same account and region in this process. Defaults: EC2 10 requests/s in
   * bursts of 50 (half the documented Describe* refill rate), SSM 10/s in
   * bursts of 20 (AWS publishes none), S3 500/s. A throttling error pauses
   * every caller of that service for a second and halves the rate for a while.
   */
  rateLimit?: { ec2?: AwsRateLimitSettings; ssm?: AwsRateLimitSettings; s3?: AwsRateLimitSettings };
  /** Registry name (default `aws`). */
  name?: string;
  /** Test hooks; not part of the stable API. */
  _internal?: {
    /** Seconds between spot notice polls in the user data (default 5, as AWS recommends). */
    spotPollSeconds?: number;
    /** First wait between GetCommandInvocation polls (default 100 ms). */
    commandPollMs?: number;
    /** Fastest and slowest log poll over SSM (default 1 s and 5 s). */
    followPollMs?: [number, number];
    /** After this long, a waiting SSM command checks between polls that its instance still runs (default 10 s). */
    commandLivenessMs?: number;
  };
}

/** {@link AwsProviderSettings} after validation, with defaults filled in. */
export interface ResolvedAwsSettings {
  name: string;
  region: string | undefined;
  credentials: EC2ClientConfig['credentials'] | undefined;
  profile: string | undefined;
  bucket: string | undefined;
  prefix: string;
  instanceProfile: string | undefined;
  subnetId: string | undefined;
  securityGroupIds: readonly string[] | undefined;
  keyName: string | undefined;
  transport: 'ssm' | 'ssh';
  ssh: Required<Pick<AwsSshSettings, 'username' | 'knownHostsDir' | 'address' | 'port'>> & Omit<AwsSshSettings, 'username' | 'knownHostsDir' | 'address' | 'port'>;
  workspace: string;
  defaultMaxLifetimeMs: number | undefined;
  readyTimeoutMs: number;
  killGraceMs: number | undefined;
  spotGraceMs: number;
  livePrices: boolean;
  priceTtlMs: number;
  clientConfig: AwsClientConfigs;
  rateLimit: Record<AwsRateService, AwsRateLimit>;
  spotPollSeconds: number;
  commandPollMs: number;
  followPollMs: [number, number];
  commandLivenessMs: number;
}

const rateLimitSchema = z.strictObject({ requestsPerSecond: z.optional(positiveSchema), burst: z.optional(integerSchema(1, 10_000)) });

const pathSchema = textSchema.check(z.regex(/^(~$|~\/|\/)/, "must be an absolute path or start with '~/'"));

const sshSchema = z.strictObject({
  username: z.optional(textSchema.check(z.regex(/^[a-z_][a-z0-9_-]*$/, 'must be a user name'))),
  privateKey: z.optional(textSchema),
  passphrase: z.optional(textSchema),
  agent: z.optional(z.union([z.boolean(), textSchema])),
  knownHostsDir: z.optional(textSchema),
  address: z.optional(oneOfSchema(['public', 'private'] as const)),
  port: z.optional(integerSchema(1, 65_535)),
});

const internalSchema = z.strictObject({
  spotPollSeconds: z.optional(integerSchema(1, 60)),
  commandPollMs: z.optional(integerSchema(1, 10_000)),
  followPollMs: z.optional(z.array(integerSchema(1, 60_000)).check(z.length(2))),
  commandLivenessMs: z.optional(integerSchema(1, 600_000)),
});

const settingsSchema = z.strictObject({
  region: z.optional(textSchema.check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a region such as us-east-1'))),
  profile: z.optional(textSchema),
  bucket: z.optional(bucketSchema),
  prefix: z.optional(textSchema.check(z.regex(/^[A-Za-z0-9!_.*'()/-]+$/, 'must be an S3 key prefix of safe characters'))),
  instanceProfile: z.optional(textSchema),
  subnetId: z.optional(textSchema.check(z.regex(/^subnet-[0-9a-f]+$/, 'must be a subnet id'))),
  securityGroupIds: z.optional(z.array(textSchema.check(z.regex(/^sg-[0-9a-f]+$/, 'must be a security group id')))),
  keyName: z.optional(textSchema),
  transport: z.optional(oneOfSchema(['ssm', 'ssh'] as const)),
  ssh: z.optional(sshSchema),
  workspace: z.optional(pathSchema),
  defaultMaxLifetime: z.optional(z.union([durationSchema, z.boolean().check(z.refine((value) => !value, 'must be a duration or false'))])),
  readyTimeout: z.optional(durationSchema),
  killGrace: z.optional(durationSchema),
  spotGrace: z.optional(durationSchema),
  livePrices: z.optional(z.boolean()),
  priceTtl: z.optional(durationSchema),
  rateLimit: z.optional(z.strictObject({ ec2: z.optional(rateLimitSchema), ssm: z.optional(rateLimitSchema), s3: z.optional(rateLimitSchema) })),
  name: z.optional(textSchema.check(z.regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes'))),
  _internal: z.optional(internalSchema),
});

/**
 * Validates settings (errors name the field, e.g. `settings.bucket`) and
 * fills in defaults. Reads no environment variable and makes no call.
 */
export function resolveAwsSettings(settings: AwsProviderSettings): ResolvedAwsSettings {
  const name = typeof settings.name === 'string' ? settings.name : 'aws';
  const { credentials, clientConfig, ssh, ...rest } = settings;
  const { endpoint, ...sshRest } = ssh ?? {};
  if (endpoint !== undefined && typeof endpoint !== 'function') {
    throw new InvalidInputError({ field: 'settings.ssh.endpoint', provider: name, message: 'Invalid settings.ssh.endpoint: must be a function of the instance.' });
  }
  if (clientConfig !== undefined && (typeof clientConfig !== 'object' || clientConfig === null)) {
    throw new InvalidInputError({ field: 'settings.clientConfig', provider: name, message: 'Invalid settings.clientConfig: must be an object of per-service SDK settings.' });
  }
  const parsed = parseInput(settingsSchema, { ...rest, ...(ssh === undefined ? {} : { ssh: sshRest }) }, 'settings', name);
  if (credentials !== undefined && typeof credentials === 'object' && credentials !== null) {
    registerSecret(credentials.secretAccessKey);
    registerSecret(credentials.sessionToken);
  }
  registerSecret(parsed.ssh?.passphrase);
  if (parsed.ssh?.privateKey?.includes('PRIVATE KEY') === true) registerSecret(parsed.ssh.privateKey);
  const transport = parsed.transport ?? 'ssm';
  const lifetime = parsed.defaultMaxLifetime;
  const followPollMs = parsed._internal?.followPollMs;
  return {
    name,
    region: parsed.region,
    credentials,
    profile: parsed.profile,
    bucket: parsed.bucket,
    prefix: (parsed.prefix ?? 'runctl').replace(/^\/+|\/+$/g, ''),
    instanceProfile: parsed.instanceProfile,
    subnetId: parsed.subnetId,
    securityGroupIds: parsed.securityGroupIds,
    keyName: parsed.keyName,
    transport,
    ssh: {
      ...sshRest,
      ...(endpoint === undefined ? {} : { endpoint }),
      username: parsed.ssh?.username ?? 'ubuntu',
      knownHostsDir: expandHome(parsed.ssh?.knownHostsDir ?? '~/.runctl/known_hosts/aws'),
      address: parsed.ssh?.address ?? 'public',
      port: parsed.ssh?.port ?? 22,
    },
    workspace: (parsed.workspace ?? '~/runctl').replace(/\/+$/, '') || '/',
    defaultMaxLifetimeMs: lifetime === undefined ? 24 * 3_600_000 : lifetime === false || lifetime === true ? undefined : lifetime,
    readyTimeoutMs: parsed.readyTimeout ?? 20 * 60_000,
    killGraceMs: parsed.killGrace,
    spotGraceMs: parsed.spotGrace ?? 90_000,
    livePrices: parsed.livePrices ?? false,
    priceTtlMs: parsed.priceTtl ?? 6 * 3_600_000,
    clientConfig: clientConfig ?? {},
    rateLimit: { ec2: rateLimitOf('ec2', parsed.rateLimit?.ec2), ssm: rateLimitOf('ssm', parsed.rateLimit?.ssm), s3: rateLimitOf('s3', parsed.rateLimit?.s3) },
    spotPollSeconds: parsed._internal?.spotPollSeconds ?? 5,
    commandPollMs: parsed._internal?.commandPollMs ?? 100,
    followPollMs: followPollMs === undefined ? [1_000, 5_000] : [followPollMs[0] as number, followPollMs[1] as number],
    commandLivenessMs: parsed._internal?.commandLivenessMs ?? 10_000,
  };
}

function rateLimitOf(service: AwsRateService, given: { requestsPerSecond?: number | undefined; burst?: number | undefined } | undefined): AwsRateLimit {
  const defaults = DEFAULT_AWS_RATE_LIMITS[service];
  return { requestsPerSecond: given?.requestsPerSecond ?? defaults.requestsPerSecond, burst: given?.burst ?? defaults.burst };
}

