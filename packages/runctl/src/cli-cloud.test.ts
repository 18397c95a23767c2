import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeLyceum, type FakeLyceum } from '@runctl/lyceum/testing';
import { startFakeRunpod, type FakeRunpod } from '@runctl/runpod/testing';
import { startSshd, type LoopbackSshd } from '@runctl/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryFromEnv } from './registry-from-env.ts';
import { runCli, runCliJson, type CliRun } from './test-support/run-cli.ts';

// The real binary, from source, as a subprocess, against the fake RunPod and
// Lyceum APIs (in this process) whose pods and VMs are one real loopback sshd.
// Everything runs asynchronously: a synchronous spawn would block the fakes.

let root: string;
let env: NodeJS.ProcessEnv;
let sshd: LoopbackSshd;
let runpod: FakeRunpod;
let lyceum: FakeLyceum;

const runctl = (args: readonly string[], overrides: NodeJS.ProcessEnv = {}): Promise<CliRun> => runCli(args, { ...env, ...overrides });
const json = <T>(args: readonly string[]): Promise<T> => runCliJson<T>(args, env);

/** Type and key of a public key line, without its comment. */
const keyBody = (line: string): string => line.trim().split(/\s+/).slice(0, 2).join(' ');

interface Resource {
  id: string;
  provider: string;
  name: string;
  state: string;
  instanceType: string;
  costPerHour: number;
  expiresAt?: string;
}

beforeAll(async () => {
  [sshd, root] = await Promise.all([startSshd(), mkdtemp(join(tmpdir(), 'runctl-cli-cloud-'))]);
  [runpod, lyceum] = await Promise.all([
    // Generous quotas (every CLI run is a new client) and quick lifecycles; every machine is the loopback sshd.
    startFakeRunpod({ rateLimits: { minute: 1_000_000, hour: 1_000_000, day: 1_000_000 }, provisioningMs: 50, startingMs: 50, sshEndpoint: { host: sshd.host, port: sshd.port, username: sshd.user } }),
    startFakeLyceum({ vmPendingMs: 50, ipDelayMs: 30, sshEndpoint: { host: sshd.host, port: sshd.port, user: sshd.user } }),
  ]);
  // What /proc/1/environ holds on a real pod: commands on the pod restore it first.
  await writeFile(join(root, 'pod-environ'), 'CUDA_VISIBLE_DEVICES=0\0');
  env = {
    PATH: process.env.PATH,
    HOME: root,
    RUNCTL_LOCAL_ROOT: join(root, 'local'),
    RUNPOD_API_KEY: runpod.apiKey,
    RUNPOD_BASE_URL: `${runpod.url}/v2`,
    RUNCTL_RUNPOD_WORKSPACE: join(root, 'pod-workspace'),
    RUNCTL_RUNPOD_ENV_FILE: join(root, 'pod-environ'),
    LYCEUM_API_KEY: lyceum.apiKey,
    LYCEUM_BASE_URL: lyceum.apiUrl,
    RUNCTL_LYCEUM_SSH_USER: sshd.user,
    RUNCTL_LYCEUM_WORKSPACE: join(root, 'vm-workspace'),
  };
});

afterAll(async () => {
  await Promise.all([runpod?.close(), lyceum?.close(), sshd?.close()]);
  if (root) await rm(root, { recursive: true, force: true });
});

describe('runctl CLI (real binary) against fake RunPod and Lyceum', () => {
  const made: { runpod?: Resource; lyceum?: Resource; local?: Resource } = {};

  it('lists runpod and lyceum as available, with the reason and the endpoint overrides', async () => {
    const { status, stdout } = await runctl(['providers']);
    expect(status).toBe(0);
    expect(stdout).toMatch(new RegExp(`runpod\\s+yes\\s+RUNPOD_API_KEY is set \\(RUNPOD_BASE_URL=${runpod.url}/v2,`));
    expect(stdout).toMatch(new RegExp(`lyceum\\s+yes\\s+LYCEUM_API_KEY is set \\(LYCEUM_BASE_URL=${lyceum.apiUrl},`));
    const entries = await json<Array<{ provider: string; available: boolean; reason: string }>>(['providers']);
    expect(entries.filter((entry) => entry.available).map((entry) => entry.provider)).toEqual(['local', 'runpod', 'lyceum']);
    // Without the keys they are not registered, and say what to set.
    const bare = await runctl(['providers', '--json'], { RUNPOD_API_KEY: '', LYCEUM_API_KEY: '' });
    expect(JSON.parse(bare.stdout)).toEqual(expect.arrayContaining([
      { provider: 'runpod', available: false, reason: 'set RUNPOD_API_KEY to use RunPod' },
      { provider: 'lyceum', available: false, reason: 'set LYCEUM_API_KEY to use Lyceum' },
    ]));
  });

  it('creates a RunPod GPU pod by alias and a Lyceum VM; ls lists them, merged from every provider at once; status shows state and $/h', async () => {
    const [pod, vm, local] = await Promise.all([
      json<Resource>(['create', 'RTX4090', '--provider', 'runpod', '--name', 'cli-gpu']),
      json<Resource>(['create', 'a100', '--provider', 'lyceum', '--name', 'cli-vm']),
      json<Resource>(['create', 'local', '--name', 'cli-local']),
    ]);
    Object.assign(made, { runpod: pod, lyceum: vm, local });
    expect(pod).toMatchObject({ provider: 'runpod', name: 'cli-gpu', instanceType: 'NVIDIA GeForce RTX 4090', costPerHour: 0.44 });
    expect(runpod.pods.get(pod.id)?.gpu?.id).toBe('NVIDIA GeForce RTX 4090');
    expect(vm).toMatchObject({ provider: 'lyceum', name: 'cli-vm', instanceType: 'a100', costPerHour: 1.95 });
    expect(lyceum.vm(vm.id)?.hardwareProfile).toBe('a100');

    // The keys the CLI generated under $HOME/.runctl/keys: RunPod's went to the account; the "machines" must accept both.
    const runpodKey = await readFile(join(root, '.runctl', 'keys', 'runpod_ed25519.pub'), 'utf8');
    const lyceumKey = await readFile(join(root, '.runctl', 'keys', 'lyceum_ed25519.pub'), 'utf8');
    expect(runpod.sshKeys.map(keyBody)).toContain(keyBody(runpodKey));
    expect(keyBody(lyceum.vm(vm.id)?.userPublicKey ?? '')).toBe(keyBody(lyceumKey));
    await sshd.authorize(runpodKey);
    await sshd.authorize(lyceumKey);

    const table = await runctl(['ls']);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`runpod:${pod.id}\\s+cli-gpu\\s+(running|starting)`));
    expect(table.stdout).toMatch(new RegExp(`lyceum:${vm.id}\\s+cli-vm\\s+(running|starting)`));
    expect(table.stdout).toMatch(new RegExp(`local:${local.id}\\s+cli-local\\s+running`));

    // Concurrently: with both cloud listings held back 1.5 s, the second arrives while the first is still held.
    runpod.failNext({ method: 'GET', path: '/v2/pods' }, { delayMs: 1_500 });
    lyceum.failNext('GET /vms/list', { delayMs: 1_500 });
    let runpodAt: number | undefined;
    const before = runpod.calls.length;
    const watch = setInterval(() => {
      if (runpodAt === undefined && runpod.calls.slice(before).some((call) => call.method === 'GET' && call.path === '/v2/pods')) runpodAt = Date.now();
    }, 5);
    const listed = await runctl(['ls', '--json']).finally(() => clearInterval(watch));
    expect(listed.status).toBe(0);
    const { resources, failures } = JSON.parse(listed.stdout) as { resources: Resource[]; failures: unknown[] };
    expect(failures).toEqual([]);
    expect(resources.map((resource) => `${resource.provider}:${resource.id}`).sort()).toEqual([`local:${local.id}`, `lyceum:${vm.id}`, `runpod:${pod.id}`].sort());
    const lyceumAt = lyceum.calls.filter((call) => call.method === 'GET' && call.route === '/vms/list').at(-1)?.at;
    expect(runpodAt).toBeDefined();
    expect(Math.abs((lyceumAt as number) - (runpodAt as number))).toBeLessThan(1_000);

    const podStatus = await runctl(['status', `runpod:${pod.id}`]);
    expect(podStatus.status).toBe(0);
    expect(podStatus.stdout).toContain(`runpod:${pod.id}  running (RUNNING)`);
    expect(podStatus.stdout).toContain('name cli-gpu, type NVIDIA GeForce RTX 4090, $0.440/h');
    const vmStatus = await json<{ resource: Resource }>(['status', `lyceum:${vm.id}`]);
    expect(vmStatus.resource).toMatchObject({ id: vm.id, state: 'running', costPerHour: 1.95 });
    expect((await runctl(['status', `lyceum:${vm.id}`])).stdout).toMatch(/running \(ready\)\n {2}name cli-vm, type a100, \$1\.950\/h/);
  });

  const JOB = 'echo "gpus=$CUDA_VISIBLE_DEVICES"; for i in 1 2 3; do echo "epoch=$i loss=0.$i"; done; mkdir -p outputs; echo "weights" > outputs/model.txt; echo "to stderr" >&2; exit 3';

  it.each(['runpod', 'lyceum'] as const)('train -f on %s streams over SSH and exits with the job code; logs --cursor resumes exactly; download works', async (provider) => {
    const ref = `${provider}:${made[provider]?.id}`;
    const trained = await runctl(['train', '--resource', ref, '-f', 'sh', '-c', JOB]);
    // RunPod commands restore the container environment first; Lyceum VMs have none.
    expect(trained.stdout).toBe(`gpus=${provider === 'runpod' ? '0' : ''}\nepoch=1 loss=0.1\nepoch=2 loss=0.2\nepoch=3 loss=0.3\n`);
    expect(trained.stderr).toContain('to stderr');
    const ended = /job (\S+) failed with exit code 3 \(completed\)/.exec(trained.stderr);
    expect(ended, trained.stderr).not.toBeNull();
    expect(trained.status).toBe(3);

    const jobId = (ended as RegExpExecArray)[1] as string;
    const events = (await runctl(['logs', ref, '--job', jobId, '--json'])).stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; line?: string; cursor: string });
    expect(events.filter((event) => event.type === 'log').map((event) => event.line)).toEqual(['gpus=' + (provider === 'runpod' ? '0' : ''), 'epoch=1 loss=0.1', 'epoch=2 loss=0.2', 'epoch=3 loss=0.3', 'to stderr']);
    const afterEpoch1 = events.find((event) => event.line === 'epoch=1 loss=0.1') as { cursor: string };
    const resumed = await runctl(['logs', ref, '--cursor', afterEpoch1.cursor, '-f']);
    expect(resumed.stdout).toBe('epoch=2 loss=0.2\nepoch=3 loss=0.3\n');
    expect(resumed.stderr).toContain('to stderr');
    expect(resumed.status).toBe(3);

    const target = join(root, `${provider}-model.txt`);
    const downloaded = await runctl(['download', ref, 'outputs/model.txt', target]);
    expect(downloaded.stdout).toMatch(/downloaded 1 file\(s\), 8 bytes/);
    expect(await readFile(target, 'utf8')).toBe('weights\n');
    const status = await json<{ job: { state: string; exitCode: number } }>(['status', ref, '--job', jobId]);
    expect(status.job).toMatchObject({ state: 'failed', exitCode: 3 });
  });

  it('compares A100-80GB across the providers that offer it, cheapest first, with source and age; gpus and cost estimate use live prices', async () => {
    const compare = await runctl(['cost', 'compare', '--gpu', 'A100-80GB', '--hours', '10']);
    expect(compare.status).toBe(0);
    const rows = compare.stdout.trim().split('\n').slice(1).map((line) => line.split(/\s{2,}/));
    expect(rows).toEqual([
      ['runpod', 'NVIDIA A100 80GB PCIe', '1', '$1.640', '$16.40', '-', 'live', expect.stringMatching(/^\d+(ms|s)$/)],
      ['runpod', 'NVIDIA A100-SXM4-80GB', '1', '$1.740', '$17.40', '-', 'live', expect.stringMatching(/^\d+(ms|s)$/)],
      ['lyceum', 'a100', '1', '$1.950', '$19.50', '-', 'live', expect.stringMatching(/^\d+(ms|s)$/)],
    ]);
    const compared = await json<{ gpu: string; rows: Array<{ provider: string; costPerHour: number; source: string; ageMs: number }>; failures: unknown[] }>(['cost', 'compare', '--gpu', 'a100-80g']);
    expect(compared).toMatchObject({ gpu: 'A100-80GB', failures: [] });
    expect(compared.rows.map((row) => [row.provider, row.costPerHour, row.source])).toEqual([['runpod', 1.64, 'live'], ['runpod', 1.74, 'live'], ['lyceum', 1.95, 'live']]);
    expect(compared.rows.every((row) => row.ageMs >= 0 && row.ageMs < 60_000)).toBe(true);

    type Gpu = { name: string; prices: Record<string, { instanceType: string; costPerHour: number; source: string } | null> };
    const gpus = await json<Gpu[]>(['gpus']);
    const byName = new Map(gpus.map((gpu) => [gpu.name, gpu.prices]));
    expect(byName.get('A100-80GB')).toEqual({
      runpod: { instanceType: 'NVIDIA A100 80GB PCIe', gpus: 1, costPerHour: 1.64, source: 'live' },
      lyceum: { instanceType: 'a100', gpus: 1, costPerHour: 1.95, source: 'live' },
    });
    expect(byName.get('RTX4090')).toEqual({ runpod: { instanceType: 'NVIDIA GeForce RTX 4090', gpus: 1, costPerHour: 0.44, source: 'live' }, lyceum: null });
    expect(byName.get('L40S')?.lyceum).toMatchObject({ instanceType: 'l40s', costPerHour: 1.15 });

    const estimate = await runctl(['cost', 'estimate', 'RTX4090', '--provider', 'runpod', '--hours', '3']);
    expect(estimate.status).toBe(0);
    expect(estimate.stdout).toMatch(/^runpod RTX4090: \$0\.440\/h × 3 h = \$1\.320 {2}\[live, \d+(ms|s) old\]\n$/);
    const priced = await json<{ provider: string; instanceType: string; costPerHour: number; total: number; source: string; gpuId: string }>(['cost', 'estimate', 'RTX4090', '--provider', 'runpod', '--hours', '3']);
    expect(priced).toMatchObject({ provider: 'runpod', gpuId: 'NVIDIA GeForce RTX 4090', costPerHour: 0.44, source: 'live' });
    expect(priced.total).toBeCloseTo(1.32, 10);
  });

  it('reports one provider failing during ls and still lists the others', async () => {
    // Every attempt of RunPod's pod listing fails (the first try and its retries).
    runpod.failNext({ method: 'GET', path: '/v2/pods' }, { status: 503, retryAfter: 0 }, 4);
    const listed = await runctl(['ls']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain(`lyceum:${made.lyceum?.id}`);
    expect(listed.stdout).toContain(`local:${made.local?.id}`);
    expect(listed.stdout).not.toContain('runpod:');
    expect(listed.stderr).toMatch(/^runpod: RunPod GET \/v2\/pods failed \(503[^\n]*\): service temporarily unavailable$/m);

    // And the other way round, in JSON: Lyceum keeps rate-limiting the VM listing.
    lyceum.failNext('GET /vms/list', { status: 429, retryAfterSeconds: 0 }, 4);
    const { resources, failures } = await json<{ resources: Resource[]; failures: Array<{ provider: string; error: string }> }>(['ls']);
    expect(resources.map((resource) => `${resource.provider}:${resource.id}`).sort()).toEqual([`local:${made.local?.id}`, `runpod:${made.runpod?.id}`]);
    expect(failures).toEqual([{ provider: 'lyceum', error: expect.stringMatching(/^Lyceum rate-limited GET \/vms\/list/) }]);
  });

  it('exits 4 on a wrong API key, with one error line that never shows the key', async () => {
    const wrong = { runpod: 'rp_WRONG_secret_0123456789', lyceum: 'lk_WRONG_secret_0123456789' };
    for (const [provider, key, variable] of [['runpod', wrong.runpod, 'RUNPOD_API_KEY'], ['lyceum', wrong.lyceum, 'LYCEUM_API_KEY']] as const) {
      const run = await runctl(['ls', '--provider', provider], { [variable]: key });
      expect(run.status).toBe(4);
      const lines = run.stderr.trim().split('\n');
      expect(lines.filter((line) => line.startsWith('error'))).toEqual([expect.stringMatching(new RegExp(`^error ${provider}: .*401`))]);
      expect(lines.every((line) => line.startsWith('error') || line.startsWith('hint:'))).toBe(true);
      expect(run.stderr).not.toContain('    at ');
      expect(`${run.stdout}${run.stderr}`).not.toContain(key);
      expect(`${run.stdout}${run.stderr}`).not.toContain('WRONG_secret');
    }
    // Creating with a wrong key fails the same way, before anything is launched.
    const pods = runpod.pods.size;
    const create = await runctl(['create', 'RTX4090', '--provider', 'runpod'], { RUNPOD_API_KEY: wrong.runpod });
    expect(create.status).toBe(4);
    expect(create.stderr).not.toContain(wrong.runpod);
    expect(runpod.pods.size).toBe(pods);
  });

  it('sweep is a dry run, then with --yes terminates only the expired pod and VM runctl created', async () => {
    const [created, oldVm] = await Promise.all([
      runctl(['create', 'RTX4090', '--provider', 'runpod', '--name', 'old-gpu', '--max-lifetime', '1ms']),
      json<Resource>(['create', 'cpu', '--provider', 'lyceum', '--name', 'old-vm', '--max-lifetime', '1ms']),
    ]);
    // The plain line: ref, state, type, price.
    const line = /^runpod:(\S+) {2}(starting|running) {2}NVIDIA GeForce RTX 4090 {2}\$0\.440\/h\n$/.exec(created.stdout);
    expect(line, created.stdout + created.stderr).not.toBeNull();
    const oldPod = { id: (line as RegExpExecArray)[1] as string };
    const expired = [`runpod:${oldPod.id}`, `lyceum:${oldVm.id}`];
    const kept = [`runpod:${made.runpod?.id}`, `lyceum:${made.lyceum?.id}`, `local:${made.local?.id}`];

    const dry = await runctl(['sweep']);
    expect(dry.status).toBe(0);
    expect(dry.stdout.trim().split('\n').sort()).toEqual([
      expect.stringMatching(new RegExp(`^would terminate lyceum:${oldVm.id} \\(old-vm\\): expired at `)),
      expect.stringMatching(new RegExp(`^would terminate runpod:${oldPod.id} \\(old-gpu\\): expired at `)),
    ]);
    expect(dry.stderr).toContain('dry run: pass --yes');
    expect(runpod.pods.get(oldPod.id)?.status).toBe('RUNNING');
    expect(lyceum.vm(oldVm.id)?.status).not.toBe('terminated');

    const swept = await runctl(['sweep', '--yes']);
    expect(swept.status).toBe(0);
    expect(swept.stdout).toContain(`terminated runpod:${oldPod.id} (old-gpu)`);
    expect(swept.stdout).toContain(`terminated lyceum:${oldVm.id} (old-vm)`);
    expect(runpod.pods.has(oldPod.id)).toBe(false);
    expect(lyceum.vm(oldVm.id)?.status).toBe('terminated');

    const left = await json<{ resources: Resource[] }>(['ls']);
    const refs = left.resources.map((resource) => `${resource.provider}:${resource.id}`);
    expect(refs).toEqual(expect.arrayContaining(kept));
    for (const ref of expired) expect(refs).not.toContain(ref);
    expect((await runctl(['sweep'])).stdout).toBe('nothing to sweep\n');
  });

  it('terminate ends the pod and the VM, and repeating it is fine', async () => {
    const refs = [`runpod:${made.runpod?.id}`, `lyceum:${made.lyceum?.id}`, `local:${made.local?.id}`];
    const first = await runctl(['terminate', ...refs]);
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(refs.map((ref) => `terminated ${ref}\n`).join(''));
    expect(runpod.pods.has(made.runpod?.id as string)).toBe(false);
    expect(lyceum.vm(made.lyceum?.id as string)?.status).toBe('terminated');

    const again = await json<Array<{ provider: string; id: string; terminated: boolean }>>(['terminate', ...refs]);
    expect(again.map((entry) => entry.terminated)).toEqual([true, true, true]);
    expect((await json<{ resources: Resource[] }>(['ls'])).resources.filter((resource) => resource.state !== 'terminated')).toEqual([]);
    // The pinned host keys of the terminated machines are forgotten.
    await expect(readFile(join(root, '.runctl', 'known_hosts', 'runpod', made.runpod?.id as string), 'utf8')).rejects.toThrow();
  });
});

describe('createRegistryFromEnv with an environment other than process.env', () => {
  it("uses that environment's keys and endpoints, not the process's", async () => {
    expect(process.env.RUNPOD_API_KEY ?? process.env.LYCEUM_API_KEY).toBeUndefined();
    const registry = createRegistryFromEnv({ env });
    try {
      const { failures } = await registry.listAllResources();
      expect(failures).toEqual([]);
    } finally {
      await Promise.all(registry.list().map((provider) => (provider as { close?: () => Promise<void> }).close?.()));
    }
  });
});
