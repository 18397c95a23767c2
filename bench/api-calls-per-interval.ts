// API calls per polling interval while a ResourceWatcher watches 10, 100 and
// 1,000 resources on each fake provider. Goal: one list call per provider per
// interval, whatever the count. Reference: polling each resource on its own.
// Run: node --conditions=@runctl/source bench/api-calls-per-interval.ts
import { ResourceWatcher, type TrainingProvider } from '@runctl/core';
import { createLyceum } from '@runctl/lyceum';
import { createRunpod } from '@runctl/runpod';
import { startFakeLyceum } from '@runctl/lyceum/testing';
import { startFakeRunpod } from '@runctl/runpod/testing';
import { row, withScratch } from './bench-utils.ts';

const COUNTS = [10, 100, 1_000];
const INTERVALS = 5;
const INTERVAL_MS = 300;

interface FakeCloud {
  name: string;
  provider: TrainingProvider;
  /** Calls the fake has seen so far. */
  calls(): number;
  close(): Promise<void>;
}

async function runpodCloud(dir: string): Promise<FakeCloud> {
  const fake = await startFakeRunpod({ rateLimits: { minute: 1e9, hour: 1e9, day: 1e9 }, provisioningMs: 0, startingMs: 0 });
  const provider = createRunpod({ apiKey: fake.apiKey, baseURL: `${fake.url}/v2`, keyDir: `${dir}/keys`, rateLimit: { requestsPerSecond: 10_000, burst: 10_000 } });
  return { name: 'runpod', provider, calls: () => fake.calls.length, close: () => fake.close() };
}

async function lyceumCloud(dir: string): Promise<FakeCloud> {
  const fake = await startFakeLyceum({ vmPendingMs: 0, ipDelayMs: 0 });
  const provider = createLyceum({ apiKey: fake.apiKey, baseURL: fake.apiUrl, sshKeyDir: `${dir}/keys` });
  return { name: 'lyceum', provider, calls: () => fake.calls.length, close: () => fake.close() };
}

/** API calls per poll of the watcher (a poll reports every watched resource once). */
async function callsPerPoll(cloud: FakeCloud, ids: string[]): Promise<number> {
  const watcher = new ResourceWatcher({ interval: INTERVAL_MS });
  let reports = 0;
  watcher.on('state', () => reports++);
  for (const id of ids) watcher.watch(cloud.provider, id);
  await new Promise((resolve) => setTimeout(resolve, 50)); // the first, immediate poll
  const before = { calls: cloud.calls(), reports };
  await new Promise((resolve) => setTimeout(resolve, INTERVALS * INTERVAL_MS));
  watcher.stop();
  const polls = (reports - before.reports) / ids.length;
  return (cloud.calls() - before.calls) / polls;
}

export async function run(): Promise<string[]> {
  return withScratch(async (dir) => {
    const rows: string[] = [];
    for (const make of [runpodCloud, lyceumCloud]) {
      const cloud = await make(dir);
      const ids: string[] = [];
      for (const count of COUNTS) {
        while (ids.length < count) {
          const batch = await Promise.all(Array.from({ length: Math.min(50, count - ids.length) }, () => cloud.provider.createResource(cloud.name === 'runpod' ? 'RTX4090' : 'a100')));
          ids.push(...batch.map((resource) => resource.id));
        }
        const perPoll = await callsPerPoll(cloud, ids);
        rows.push(row([`API calls per poll, ${count.toLocaleString('en')} resources watched on fake ${cloud.name}`, `${count.toLocaleString('en')} (one status call each)`, `${perPoll.toFixed(2)}`, `${(count / perPoll).toFixed(0)}× fewer`, '1 per provider per interval']));
      }
      await Promise.all(ids.map((id) => cloud.provider.terminate(id).catch(() => undefined)));
      await cloud.close();
    }
    return rows;
  });
}

if (import.meta.main) for (const line of await run()) console.log(line);
