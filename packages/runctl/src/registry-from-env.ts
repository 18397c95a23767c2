import { ProviderRegistry, type TrainingProvider } from '@runctl/core';
import { createLocal } from '@runctl/local';
import { awsDetector } from './detectors/aws-detector.ts';
import { lyceumDetector } from './detectors/lyceum-detector.ts';
import { runpodDetector } from './detectors/runpod-detector.ts';
import { sshDetector } from './detectors/ssh-detector.ts';

/** Whether one provider was registered, and why or why not. */
export interface ProviderAvailability {
  provider: string;
  available: boolean;
  reason: string;
}

/** A registry that also says which providers were found in the environment. */
export interface EnvProviderRegistry extends ProviderRegistry {
  readonly availability: readonly ProviderAvailability[];
}

/** Options of {@link createRegistryFromEnv}. */
export interface RegistryFromEnvOptions {
  /** Environment to read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** One provider's detector: cheap, synchronous, no network. */
export interface ProviderDetector {
  provider: string;
  detect(env: NodeJS.ProcessEnv): { provider?: TrainingProvider; reason: string };
}

const localDetector: ProviderDetector = {
  provider: 'local',
  detect: (env) => ({
    provider: createLocal(env.RUNCTL_LOCAL_ROOT ? { root: env.RUNCTL_LOCAL_ROOT } : {}),
    reason: `always available (workspaces in ${env.RUNCTL_LOCAL_ROOT ?? '~/.runctl/local'})`,
  }),
};

/** Detectors in registration order. */
export const PROVIDER_DETECTORS: readonly ProviderDetector[] = [localDetector, sshDetector, awsDetector, runpodDetector, lyceumDetector];

/**
 * Every provider the environment configures, in one registry. Lazy: it reads
 * environment variables and config files only, never the network, and
 * providers read their credentials on first use.
 *
 * @example
 * ```ts
 * const registry = createRegistryFromEnv();
 * for (const entry of registry.availability) console.log(entry.provider, entry.available, entry.reason);
 * const { resources, failures } = await registry.listAllResources();
 * ```
 */
export function createRegistryFromEnv(options: RegistryFromEnvOptions = {}): EnvProviderRegistry {
  const env = options.env ?? process.env;
  const registry = new ProviderRegistry();
  const availability: ProviderAvailability[] = [];
  for (const detector of PROVIDER_DETECTORS) {
    let outcome: { provider?: TrainingProvider; reason: string };
    try {
      outcome = detector.detect(env);
    } catch (error) {
      outcome = { reason: `misconfigured: ${(error as Error).message}` };
    }
    if (outcome.provider !== undefined) registry.register(outcome.provider, detector.provider);
    availability.push({ provider: detector.provider, available: outcome.provider !== undefined, reason: outcome.reason });
  }
  return Object.assign(registry, { availability });
}
