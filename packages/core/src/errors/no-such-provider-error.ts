import { RunctlError } from './runctl-error.ts';

/** `ProviderRegistry.get` was asked for a provider that was never registered. */
export class NoSuchProviderError extends RunctlError {
  readonly providerName: string;
  readonly availableProviders: readonly string[];

  constructor(providerName: string, availableProviders: readonly string[]) {
    const available = availableProviders.length > 0 ? availableProviders.join(', ') : 'none';
    super({
      code: 'NOT_FOUND',
      message: `No provider named "${providerName}" is registered. Available: ${available}.`,
      hint: 'Register it first, e.g. registry.register(createLocal()).',
      retryable: false,
    });
    this.name = 'NoSuchProviderError';
    this.providerName = providerName;
    this.availableProviders = availableProviders;
  }
}
