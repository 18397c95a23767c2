import { createRunpod } from '@runctl/runpod';
import type { ProviderDetector } from '../registry-from-env.ts';

export const runpodDetector: ProviderDetector = {
  provider: 'runpod',
  detect: (env) =>
    env.RUNPOD_API_KEY
      ? { provider: createRunpod(), reason: 'RUNPOD_API_KEY is set' }
      : { reason: 'set RUNPOD_API_KEY to use RunPod' },
};
