export { createAws, type AwsProvider } from './aws-provider.ts';
export type { AwsClientConfigs, AwsProviderSettings, AwsRateLimitSettings, AwsSshEndpoint, AwsSshSettings } from './aws-settings.ts';
export type { AwsCreateResourceOptions } from './aws-create-options.ts';
export type { AwsFallback } from './instance-type.ts';
