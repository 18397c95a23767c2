import { createLyceum } from '@runctl/lyceum';
import type { ProviderDetector } from '../registry-from-env.ts';

export const lyceumDetector: ProviderDetector = {
  provider: 'lyceum',
  detect: (env) =>
    env.LYCEUM_API_KEY
      ? { provider: createLyceum(), reason: 'LYCEUM_API_KEY is set' }
      : { reason: 'set LYCEUM_API_KEY to use Lyceum' },
};
