import { createLyceum, type LyceumProviderSettings } from '@runctl/lyceum';
import type { ProviderDetector } from '../registry-from-env.ts';
import { apiKeyFrom, createFromEnv, describeSettings, envValue } from './env-settings.ts';

/**
 * Lyceum when `LYCEUM_API_KEY` is set. Optional overrides:
 * - `LYCEUM_BASE_URL`: the API base URL (default `https://api.lyceum.technology/api/v2/external`);
 * - `RUNCTL_LYCEUM_SSH_USER`: the SSH login on VMs (default `lyceum`);
 * - `RUNCTL_LYCEUM_WORKSPACE`: the absolute folder on VMs where jobs run (default `$HOME/runctl` of that user).
 */
export const lyceumDetector: ProviderDetector = {
  provider: 'lyceum',
  detect: (env) => {
    if (envValue(env, 'LYCEUM_API_KEY') === undefined) return { reason: 'set LYCEUM_API_KEY to use Lyceum' };
    const overrides = {
      LYCEUM_BASE_URL: envValue(env, 'LYCEUM_BASE_URL'),
      RUNCTL_LYCEUM_SSH_USER: envValue(env, 'RUNCTL_LYCEUM_SSH_USER'),
      RUNCTL_LYCEUM_WORKSPACE: envValue(env, 'RUNCTL_LYCEUM_WORKSPACE'),
    };
    const settings: LyceumProviderSettings = {
      ...apiKeyFrom(env, 'LYCEUM_API_KEY'),
      ...(overrides.LYCEUM_BASE_URL === undefined ? {} : { baseURL: overrides.LYCEUM_BASE_URL }),
      ...(overrides.RUNCTL_LYCEUM_SSH_USER === undefined ? {} : { sshUser: overrides.RUNCTL_LYCEUM_SSH_USER }),
      ...(overrides.RUNCTL_LYCEUM_WORKSPACE === undefined ? {} : { remoteWorkspace: overrides.RUNCTL_LYCEUM_WORKSPACE }),
    };
    return { provider: createFromEnv(() => createLyceum(settings), { baseURL: 'LYCEUM_BASE_URL', sshUser: 'RUNCTL_LYCEUM_SSH_USER', remoteWorkspace: 'RUNCTL_LYCEUM_WORKSPACE' }), reason: describeSettings('LYCEUM_API_KEY is set', overrides) };
  },
};
