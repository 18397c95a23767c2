import { join } from 'node:path';
import { createTempDir } from '@runctl/test-utils';
import { createLyceumProvider, type LyceumInternalSettings, type LyceumProvider } from './lyceum-provider.ts';
import type { LyceumProviderSettings } from './lyceum-settings.ts';
import { startFakeLyceum, type FakeLyceum, type FakeLyceumOptions } from './testing/index.ts';

/** A fake Lyceum API and a provider pointed at it, with fast timings and private key folders. */
export interface LyceumHarness {
  fake: FakeLyceum;
  provider: LyceumProvider;
  /** Settings the provider was made with, to make more providers like it. */
  settings: LyceumProviderSettings;
  scratch: string;
  close(): Promise<void>;
}

/** Starts a fake Lyceum and a provider for it. Test-only. */
export async function startLyceumHarness(
  options: { fake?: FakeLyceumOptions; settings?: LyceumProviderSettings; internal?: LyceumInternalSettings } = {},
): Promise<LyceumHarness> {
  const fake = await startFakeLyceum({ vmPendingMs: 60, ipDelayMs: 40, runStartDelayMs: 5, ...options.fake });
  const temp = await createTempDir('lyceum-provider');
  const settings: LyceumProviderSettings = {
    apiKey: fake.apiKey,
    baseURL: fake.apiUrl,
    sshKeyDir: join(temp.path, 'keys'),
    knownHostsDir: join(temp.path, 'known_hosts'),
    // Not $HOME/runctl: in tests the "VM" is this machine.
    remoteWorkspace: join(temp.path, 'workspace'),
    pollInterval: 25,
    readyTimeout: '20s',
    retry: { maxRetries: 3, initialDelayMs: 5, maxDelayMs: 50 },
    // Tests poll fast; the account budget is tested on its own (lyceum-rate-budget.test.ts).
    rateLimit: { requestsPerSecond: 10_000, burst: 10_000 },
    ...options.settings,
  };
  const provider = createLyceumProvider(settings, options.internal ?? {});
  return {
    fake,
    provider,
    settings,
    scratch: temp.path,
    async close() {
      await provider.close();
      await fake.close();
      await temp.remove();
    },
  };
}
