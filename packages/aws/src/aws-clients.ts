import type { EC2Client } from '@aws-sdk/client-ec2';
import type { PricingClient } from '@aws-sdk/client-pricing';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { STSClient } from '@aws-sdk/client-sts';
import type { ResolvedAwsSettings } from './aws-settings.ts';
import { addRateBudget, type AwsRateService, type PacedClient } from './aws-rate-budget.ts';
import { withoutRetryOn } from './aws-retry-strategy.ts';
import { CAPACITY_ERROR_CODES } from './aws-errors.ts';

export type Ec2Sdk = typeof import('@aws-sdk/client-ec2');
export type SsmSdk = typeof import('@aws-sdk/client-ssm');
export type S3Sdk = typeof import('@aws-sdk/client-s3');
export type PricingSdk = typeof import('@aws-sdk/client-pricing');
export type StsSdk = typeof import('@aws-sdk/client-sts');

/** A client together with its module, so callers build commands without a static import. */
export interface Loaded<Client, Sdk> {
  client: Client;
  sdk: Sdk;
}

/** The SDK clients of one provider, created on first use and then shared. */
export interface AwsClients {
  ec2(): Promise<Loaded<EC2Client, Ec2Sdk>>;
  ssm(): Promise<Loaded<SSMClient, SsmSdk>>;
  s3(): Promise<Loaded<S3Client, S3Sdk>>;
  /** The Price List API lives in us-east-1 (and ap-south-1), whatever the region. */
  pricing(): Promise<Loaded<PricingClient, PricingSdk>>;
  /** STS, only for decoding IAM denials (rare, so not paced). */
  sts(): Promise<Loaded<STSClient, StsSdk>>;
  /** The resolved region (settings, then the SDK's chain). */
  region(): Promise<string>;
  /** Closes every client's sockets. */
  destroy(): void;
}

/**
 * Lazily created SDK clients. Importing this package loads none of the AWS
 * SDK: each module is imported on the first call that needs it, and the
 * SDK resolves credentials on the first request, so creating a provider
 * touches neither the network nor the credential chain.
 *
 * EC2, SSM and S3 requests take tokens from a process-wide rate budget per
 * service, region and account (see `addRateBudget`); Pricing calls are rare
 * and cached, and are not paced.
 */
export function createAwsClients(settings: ResolvedAwsSettings): AwsClients {
  const common = {
    ...(settings.region === undefined ? {} : { region: settings.region }),
    ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
    ...(settings.profile === undefined ? {} : { profile: settings.profile }),
  };
  const created: Array<{ destroy(): void }> = [];
  const keep = <T extends { destroy(): void }>(client: T): T => {
    created.push(client);
    return client;
  };
  const paced = <T extends PacedClient & { destroy(): void }>(client: T, service: AwsRateService): T => {
    addRateBudget(client, service, settings.rateLimit[service]);
    return keep(client);
  };

  const ec2 = once(async (): Promise<Loaded<EC2Client, Ec2Sdk>> => {
    const sdk = await import('@aws-sdk/client-ec2');
    const config = { ...common, ...settings.clientConfig.ec2 };
    // Capacity errors are answered with HTTP 500, which the SDK would retry on
    // the same type and zone; the next fallback is the better retry.
    const probe = new sdk.EC2Client(config);
    const base = await probe.config.retryStrategy();
    probe.destroy();
    return { client: paced(new sdk.EC2Client({ ...config, retryStrategy: withoutRetryOn(CAPACITY_ERROR_CODES, base) }), 'ec2'), sdk };
  });
  const ssm = once(async (): Promise<Loaded<SSMClient, SsmSdk>> => {
    const sdk = await import('@aws-sdk/client-ssm');
    return { client: paced(new sdk.SSMClient({ ...common, ...settings.clientConfig.ssm }), 'ssm'), sdk };
  });
  const s3 = once(async (): Promise<Loaded<S3Client, S3Sdk>> => {
    const sdk = await import('@aws-sdk/client-s3');
    return { client: paced(new sdk.S3Client({ ...common, ...settings.clientConfig.s3 }), 's3'), sdk };
  });
  const pricing = once(async (): Promise<Loaded<PricingClient, PricingSdk>> => {
    const sdk = await import('@aws-sdk/client-pricing');
    return { client: keep(new sdk.PricingClient({ ...common, region: 'us-east-1', ...settings.clientConfig.pricing })), sdk };
  });
  const sts = once(async (): Promise<Loaded<STSClient, StsSdk>> => {
    const sdk = await import('@aws-sdk/client-sts');
    return { client: keep(new sdk.STSClient({ ...common, ...settings.clientConfig.sts })), sdk };
  });
  const region = once(async () => (await (await ec2()).client.config.region()) as string);

  return {
    ec2,
    ssm,
    s3,
    pricing,
    sts,
    region,
    destroy: () => {
      for (const client of created.splice(0)) client.destroy();
    },
  };
}

/** Runs `make` once; a failure is not cached, so the next call tries again. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}
