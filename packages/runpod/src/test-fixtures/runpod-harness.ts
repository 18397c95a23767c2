import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEvent } from '@runctl/core';
import type { LoopbackSshd } from '@runctl/test-utils';
import { startFakeRunpod, type FakeRunpod, type FakeRunpodOptions } from '../testing/index.ts';
import { createRunpod } from '../runpod-provider.ts';
import type { RunpodProvider } from '../runpod-provider-types.ts';
import type { RunpodProviderSettings } from '../runpod-settings.ts';

/** A fake RunPod, a temp folder, and a provider wired to both (and to a loopback sshd when given). */
export interface RunpodHarness {
  fake: FakeRunpod;
  dir: string;
  settings: RunpodProviderSettings;
  provider: RunpodProvider;
  /** Another provider on the same fake and folders, with some settings changed. */
  withSettings(overrides: Partial<RunpodProviderSettings>): RunpodProvider;
  close(): Promise<void>;
}

/** The container environment the fake pods "have": what /proc/1/environ holds on a real pod. */
export const POD_ENVIRONMENT = { RUNPOD_POD_ID: 'from-container-env', CUDA_VISIBLE_DEVICES: '0' };

/** Quotas high enough that polling tests never meet the spec's 60/minute default. */
export const GENEROUS_RATE_LIMITS = { minute: 1_000_000, hour: 1_000_000, day: 1_000_000 };

export async function startRunpodHarness(options: { fake?: FakeRunpodOptions; settings?: Partial<RunpodProviderSettings>; sshd?: LoopbackSshd } = {}): Promise<RunpodHarness> {
  const { sshd } = options;
  const fake = await startFakeRunpod({
    rateLimits: GENEROUS_RATE_LIMITS,
    ...(sshd ? { sshEndpoint: { host: sshd.host, port: sshd.port, username: sshd.user } } : {}),
    ...options.fake,
  });
  const dir = await mkdtemp(join(tmpdir(), 'runctl-runpod-test-'));
  const environ = join(dir, 'environ');
  await writeFile(environ, `${Object.entries(POD_ENVIRONMENT).map(([key, value]) => `${key}=${value}`).join('\0')}\0`);
  const settings: RunpodProviderSettings = {
    apiKey: fake.apiKey,
    baseURL: `${fake.url}/v2`,
    keyDir: join(dir, 'keys'),
    knownHostsDir: join(dir, 'known_hosts'),
    workspace: (podId) => join(dir, 'pods', podId),
    pollInterval: 50,
    timeout: '5s',
    readyTimeout: '20s',
    killGrace: '1s',
    retry: { maxRetries: 3, initialDelayMs: 10, maxDelayMs: 200 },
    rateLimit: { requestsPerSecond: 10_000, burst: 10_000 },
    ...(sshd ? { sshKey: { privateKey: sshd.userKey.path } } : {}),
    _internal: { containerEnvFile: environ },
    ...options.settings,
  };
  const providers = [createRunpod(settings)];
  return {
    fake,
    dir,
    settings,
    provider: providers[0] as RunpodProvider,
    withSettings(overrides) {
      const provider = createRunpod({ ...settings, ...overrides });
      providers.push(provider);
      return provider;
    },
    async close() {
      await Promise.all(providers.map((provider) => provider.close()));
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every event of a finite stream. */
export async function collect<T = LogEvent>(events: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const event of events) result.push(event);
  return result;
}

/** The error a promise rejects with (or `undefined` if it resolves). */
export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** Calls the fake received for one method and exact path. */
export function callsTo(fake: FakeRunpod, method: string, path: string | RegExp): number {
  return fake.calls.filter((call) => call.method === method && (typeof path === 'string' ? call.path === path : path.test(call.path))).length;
}
