import { createRunpod, type RunpodProviderSettings } from '@runctl/runpod';
import type { ProviderDetector } from '../registry-from-env.ts';
import { apiKeyFrom, createFromEnv, describeSettings, envValue } from './env-settings.ts';

/**
 * RunPod when `RUNPOD_API_KEY` is set. Optional overrides:
 * - `RUNPOD_BASE_URL`: the REST v2 base URL (a proxy or another endpoint);
 * - `RUNPOD_GRAPHQL_URL`: the GraphQL endpoint for spot pods (default `/graphql` on the origin of the base URL);
 * - `RUNCTL_RUNPOD_WORKSPACE`: the folder on the pod where jobs run (default `/workspace/runctl`);
 * - `RUNCTL_RUNPOD_ENV_FILE`: the NUL-separated environment file commands restore first (default `/proc/1/environ`).
 */
export const runpodDetector: ProviderDetector = {
  provider: 'runpod',
  detect: (env) => {
    if (envValue(env, 'RUNPOD_API_KEY') === undefined) return { reason: 'set RUNPOD_API_KEY to use RunPod' };
    const overrides = {
      RUNPOD_BASE_URL: envValue(env, 'RUNPOD_BASE_URL'),
      RUNPOD_GRAPHQL_URL: envValue(env, 'RUNPOD_GRAPHQL_URL'),
      RUNCTL_RUNPOD_WORKSPACE: envValue(env, 'RUNCTL_RUNPOD_WORKSPACE'),
      RUNCTL_RUNPOD_ENV_FILE: envValue(env, 'RUNCTL_RUNPOD_ENV_FILE'),
    };
    const settings: RunpodProviderSettings = {
      ...apiKeyFrom(env, 'RUNPOD_API_KEY'),
      ...(overrides.RUNPOD_BASE_URL === undefined ? {} : { baseURL: overrides.RUNPOD_BASE_URL }),
      ...(overrides.RUNPOD_GRAPHQL_URL === undefined ? {} : { graphqlURL: overrides.RUNPOD_GRAPHQL_URL }),
      ...(overrides.RUNCTL_RUNPOD_WORKSPACE === undefined ? {} : { workspace: overrides.RUNCTL_RUNPOD_WORKSPACE }),
      ...(overrides.RUNCTL_RUNPOD_ENV_FILE === undefined ? {} : { _internal: { containerEnvFile: overrides.RUNCTL_RUNPOD_ENV_FILE } }),
    };
    return { provider: createFromEnv(() => createRunpod(settings), { baseURL: 'RUNPOD_BASE_URL', graphqlURL: 'RUNPOD_GRAPHQL_URL', workspace: 'RUNCTL_RUNPOD_WORKSPACE', '_internal.containerEnvFile': 'RUNCTL_RUNPOD_ENV_FILE' }), reason: describeSettings('RUNPOD_API_KEY is set', overrides) };
  },
};
