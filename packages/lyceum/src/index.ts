export { createLyceum, type LyceumProvider } from './lyceum-provider.ts';
export type { LyceumProviderSettings } from './lyceum-settings.ts';
export type { LyceumCreateResourceOptions } from './lyceum-create-options.ts';
