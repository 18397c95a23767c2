/**
 * Static credentials for every fake. The EC2/SSM fake accepts any SigV4
 * signature; s3rver verifies signatures and only knows this key pair, so one
 * process (e.g. the CLI) can use a single set for all three services.
 */
export const FAKE_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Settings for EC2Client/SSMClient/STSClient pointing at the fake. Spread into the client config. */
export interface FakeAwsClientConfig {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export function fakeAwsClientConfig(endpoint: string, region = 'us-east-1'): FakeAwsClientConfig {
  return { region, endpoint, credentials: { ...FAKE_CREDENTIALS } };
}

/**
 * Environment for a subprocess (e.g. the runctl CLI) whose SDK clients should
 * reach the fakes: the SDK reads AWS_ENDPOINT_URL_<SERVICE> itself.
 */
export function fakeAwsEnv(endpoint: string, region = 'us-east-1'): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_EC2: endpoint,
    AWS_ENDPOINT_URL_SSM: endpoint,
    AWS_ENDPOINT_URL_STS: endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    // Never fall back to the host's instance metadata for credentials or region.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
