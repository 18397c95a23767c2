export {
  createRegistryFromEnv,
  PROVIDER_DETECTORS,
  type EnvProviderRegistry,
  type ProviderAvailability,
  type ProviderDetector,
  type RegistryFromEnvOptions,
} from './registry-from-env.ts';
export { EXIT_CODES } from './cli/exit-codes.ts';
