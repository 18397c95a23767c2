// API calls per polling interval while a ResourceWatcher watches 10, 100 and
// 1,000 resources on each fake provider. Goal: one list call per provider per
// interval, whatever the count. Reference: polling each resource on its own.
// Rate budgets are opened wide, so this counts calls, not pacing.
// Run: node --conditions=@runctl/source bench/api-calls-per-interval.ts
import { createAws } from '@runctl/aws';
import { startFakeAws } from '@runctl/aws/testing';
import { ResourceWatcher, type TrainingProvider } from '@runctl/core';
import { createLyceum } from '@runctl/lyceum';
import { createRunpod } from '@runctl/runpod';
import { startFakeLyceum } from '@runctl/lyceum/testing';
import { startFakeRunpod } from '@runctl/runpod/testing';
import { row, withScratch } from './bench-utils.ts';

const COUNTS = [10, 100, 1_000];
const INTERVALS = 5;
const INTERVAL_MS = 300;
const WIDE_OPEN = { requestsPerSecond: 10_000, burst: 10_000 };

interface FakeCloud {
  name: string;
  provider: TrainingProvider;
  /** Creates one resource to watch. */
  create(): Promise<{ id: string }>;
  /** Calls the fake has seen so far. */
  calls(): number;
  /** What the goal column says about this provider, when more than one call per poll is expected. */
  note?: (count: number) => string;
  close(): Promise<void>;
}

async function runpodCloud(dir: string): Promise<FakeCloud> {
  const fake = await startFakeRunpod({ rateLimits: { minute: 1e9, hour: 1e9, day: 1e9 }, provisioningMs: 0, startingMs: 0 });
  const provider = createRunpod({ apiKey: fake.apiKey, baseURL: `${fake.url}/v2`, keyDir: `${dir}/keys`, rateLimit: WIDE_OPEN });
  return { name: 'runpod', provider, create: () => provider.createResource('RTX4090'), calls: () => fake.calls.length, close: () => fake.close() };
}

async function lyceumCloud(dir: string): Promise<FakeCloud> {
  const fake = await startFakeLyceum({ vmPendingMs: 0, ipDelayMs: 0 });
  const provider = createLyceum({ apiKey: fake.apiKey, baseURL: fake.apiUrl, sshKeyDir: `${dir}/keys`, rateLimit: WIDE_OPEN });
  return { name: 'lyceum', provider, create: () => provider.createResource('a100'), calls: () => fake.calls.length, close: () => fake.close() };
}

/** Past 200 watched ids (EC2's limit per filter) the provider lists every managed instance instead, 1,000 per page. */
const EC2_PAGE_SIZE = 1_000;

async function awsCloud(dir: string): Promise<FakeCloud> {
  const fake = await startFakeAws({ sandboxRoot: `${dir}/aws-sandboxes` });
  const provider = createAws({
    region: fake.region,
    instanceProfile: 'runctl-instance',
    clientConfig: { ec2: fake.clientConfig(), ssm: fake.clientConfig() },
    rateLimit: { ec2: WIDE_OPEN, ssm: WIDE_OPEN, s3: WIDE_OPEN },
  });
  return {
    name: 'aws',
    provider,
    // An explicit AMI: no DLAMI parameter lookups while creating the fleet.
    create: () => provider.createResource('t3.micro', { image: 'ami-0123456789abcdef0' }),
    // The watcher's list calls (nothing else is sent while watching).
    calls: () => fake.callsTo('DescribeInstances').length,
    note: (count) => (count > EC2_PAGE_SIZE ? `; ${Math.ceil(count / EC2_PAGE_SIZE)} pages of ${EC2_PAGE_SIZE}` : ''),
    close: async () => {
      provider.close();
      await fake.close();
    },
  };
}

/**
 * API calls per poll of the watcher. Calls are read when a poll's last report
 * comes in (the next poll starts an interval later), so a slow poll still in
 * flight at either end of the window is never half counted.
 */
async function callsPerPoll(cloud: FakeCloud, ids: string[]): Promise<number> {
  const watcher = new ResourceWatcher({ interval: INTERVAL_MS });
  const atPollEnd: number[] = [];
  let reports = 0;
  watcher.on('state', () => {
    if (++reports % ids.length === 0) atPollEnd.push(cloud.calls());
  });
  for (const id of ids) watcher.watch(cloud.provider, id);
  while (atPollEnd.length <= INTERVALS) await new Promise((resolve) => setTimeout(resolve, 20));
  watcher.stop();
  // The first poll is left out: it may share a call with the creates before it.
  return ((atPollEnd.at(-1) as number) - (atPollEnd[0] as number)) / (atPollEnd.length - 1);
}

export async function run(): Promise<string[]> {
  return withScratch(async (dir) => {
    const rows: string[] = [];
    for (const make of [runpodCloud, lyceumCloud, awsCloud]) {
      const cloud = await make(dir);
      const ids: string[] = [];
      for (const count of COUNTS) {
        while (ids.length < count) {
          const batch = await Promise.all(Array.from({ length: Math.min(50, count - ids.length) }, () => cloud.create()));
          ids.push(...batch.map((resource) => resource.id));
        }
        const perPoll = await callsPerPoll(cloud, ids);
        const goal = `1 per provider per interval${cloud.note?.(count) ?? ''}`;
        rows.push(row([`API calls per poll, ${count.toLocaleString('en')} resources watched on fake ${cloud.name}`, `${count.toLocaleString('en')} (one status call each)`, `${perPoll.toFixed(2)}`, `${(count / perPoll).toFixed(0)}× fewer`, goal]));
      }
      await Promise.all(ids.map((id) => cloud.provider.terminate(id).catch(() => undefined)));
      await cloud.close();
    }
    return rows;
  });
}

if (import.meta.main) for (const line of await run()) console.log(line);
