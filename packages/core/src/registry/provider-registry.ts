import { NoSuchProviderError } from '../errors/no-such-provider-error.ts';
import type { RunctlError } from '../errors/runctl-error.ts';
import { toRunctlError } from '../errors/to-runctl-error.ts';
import type { CallOptions, TrainingProvider } from '../provider/training-provider.ts';
import type { ResourceFilter, ResourceStatus } from '../resource/resource-status.ts';

/** One provider's failure inside a cross-provider call. */
export interface ProviderFailure {
  provider: string;
  error: RunctlError;
}

/** Results from every provider that answered, and the failures of those that did not. */
export interface AllResources {
  resources: ResourceStatus[];
  failures: ProviderFailure[];
}

/**
 * The providers an app uses, by name.
 *
 * @example
 * ```ts
 * const registry = new ProviderRegistry().register(createLocal()).register(createRunpod());
 * const { resources, failures } = await registry.listAllResources();
 * ```
 */
export class ProviderRegistry {
  readonly #providers = new Map<string, TrainingProvider>();

  constructor(providers: Iterable<TrainingProvider> = []) {
    for (const provider of providers) this.register(provider);
  }

  /** Adds a provider under its own `name`, or under `name` when given. Replaces any previous one. */
  register(provider: TrainingProvider, name: string = provider.name): this {
    this.#providers.set(name, provider);
    return this;
  }

  /** The provider registered as `name`; throws {@link NoSuchProviderError} listing the available names. */
  get(name: string): TrainingProvider {
    const provider = this.#providers.get(name);
    if (provider === undefined) throw new NoSuchProviderError(name, this.names());
    return provider;
  }

  has(name: string): boolean {
    return this.#providers.has(name);
  }

  /** Registered names, in registration order. */
  names(): string[] {
    return [...this.#providers.keys()];
  }

  /** Registered providers, in registration order. */
  list(): TrainingProvider[] {
    return [...this.#providers.values()];
  }

  /**
   * Lists resources on every provider at once. The call takes as long as the
   * slowest provider, and one provider failing never hides the others.
   */
  async listAllResources(filter?: ResourceFilter, options: CallOptions = {}): Promise<AllResources> {
    const entries = [...this.#providers.entries()];
    const settled = await Promise.allSettled(entries.map(([, provider]) => provider.listResources(filter, options)));
    const result: AllResources = { resources: [], failures: [] };
    settled.forEach((outcome, index) => {
      const name = (entries[index] as [string, TrainingProvider])[0];
      if (outcome.status === 'fulfilled') result.resources.push(...outcome.value);
      else result.failures.push({ provider: name, error: toRunctlError(outcome.reason, name) });
    });
    return result;
  }
}
