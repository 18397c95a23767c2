import type { ProviderRegistry, TrainingProvider } from '@runctl/core';
import { usageError } from './usage-error.ts';

/** A resource on the command line: `provider:id`, or an id plus `--provider`. */
export interface ResourceRef {
  provider: TrainingProvider;
  id: string;
}

const PREFIXES: Array<[RegExp, string]> = [
  [/^local-/, 'local'],
  [/^i-[0-9a-f]+$/, 'aws'],
];

/** Resolves a resource argument to its provider. */
export function resolveResource(registry: ProviderRegistry, text: string | undefined, providerFlag: string | undefined): ResourceRef {
  if (text === undefined || text === '') throw usageError('Missing the resource (provider:id).');
  const colon = text.indexOf(':');
  if (colon > 0 && registry.has(text.slice(0, colon))) {
    return { provider: registry.get(text.slice(0, colon)), id: text.slice(colon + 1) };
  }
  const name = providerFlag ?? PREFIXES.find(([pattern]) => pattern.test(text))?.[1];
  if (name === undefined) {
    throw usageError(`Which provider is ${text} on?`, `Write it as provider:id (e.g. runpod:${text}) or pass --provider.`);
  }
  return { provider: registry.get(name), id: text };
}

/** How to name a resource so it can be pasted back into a command. */
export function formatRef(provider: string, id: string): string {
  return `${provider}:${id}`;
}
