export { createSsh } from './ssh-provider.ts';
export type { SshHostConfig, SshProviderSettings } from './ssh-settings.ts';
