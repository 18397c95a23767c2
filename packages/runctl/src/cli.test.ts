import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from './test-support/run-cli.ts';

// The real binary, from source, as a subprocess.
let root: string;
let env: NodeJS.ProcessEnv;

function runctl(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--conditions=@runctl/source', CLI, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'runctl-cli-'));
  env = { PATH: process.env.PATH, HOME: root, RUNCTL_LOCAL_ROOT: join(root, 'local') };
  await writeFile(join(root, 'job.sh'), 'echo "args: $*"; for i in 1 2 3; do echo "epoch=$i loss=0.$i"; done; echo "to stderr" >&2; exit 3\n');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('runctl CLI (real binary, local provider)', () => {
  it('lists providers with the reason for each', () => {
    const { status, stdout } = runctl('providers');
    expect(status).toBe(0);
    expect(stdout).toMatch(/local\s+yes\s+always available/);
    const json = JSON.parse(runctl('providers', '--json').stdout) as Array<{ provider: string; available: boolean }>;
    expect(json.find((entry) => entry.provider === 'local')?.available).toBe(true);
  });

  it('train -f creates a resource, passes args after --, streams, and exits with the job exit code', () => {
    const { status, stdout, stderr } = runctl('train', '--follow', '--rm', join(root, 'job.sh'), '--', '--lr', '0.1');
    expect(stdout).toBe('args: --lr 0.1\nepoch=1 loss=0.1\nepoch=2 loss=0.2\nepoch=3 loss=0.3\n');
    expect(stderr).toContain('to stderr');
    expect(stderr).toMatch(/job \S+ failed with exit code 3 \(completed\)/);
    expect(stderr).toMatch(/terminated local:local-/);
    expect(status).toBe(3);
  });

  it('create, ls, status, logs --cursor, download and terminate round-trip with --json', async () => {
    const created = JSON.parse(runctl('create', 'local', '--name', 'cli-test', '--tag', 'team=ml', '--json').stdout) as { id: string; tags: Record<string, string> };
    expect(created.tags).toMatchObject({ team: 'ml', 'runctl:managed': 'true', 'runctl:name': 'cli-test' });
    const ref = `local:${created.id}`;
    const listed = JSON.parse(runctl('ls', '--json').stdout) as { resources: Array<{ id: string }> };
    expect(listed.resources.map((resource) => resource.id)).toContain(created.id);

    const started = JSON.parse(runctl('train', '--resource', ref, '--json', 'sh', '-c', 'for i in 1 2 3 4; do echo line $i; done; mkdir -p outputs; echo ok > outputs/r.txt').stdout) as { jobId: string };
    const events = runctl('logs', ref, '--job', started.jobId, '-f', '--json').stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; line?: string; cursor: string });
    expect(events.filter((event) => event.type === 'log').map((event) => event.line)).toEqual(['line 1', 'line 2', 'line 3', 'line 4']);
    const resumed = runctl('logs', ref, '--cursor', (events[1] as { cursor: string }).cursor, '-f');
    expect(resumed.stdout).toBe('line 3\nline 4\n');
    expect(resumed.status).toBe(0);

    const status = JSON.parse(runctl('status', ref, '--job', started.jobId, '--json').stdout) as { resource: { state: string }; job: { state: string } };
    expect(status).toMatchObject({ resource: { state: 'running' }, job: { state: 'succeeded' } });
    const target = join(root, 'r.txt');
    expect(runctl('download', ref, 'outputs/r.txt', target).status).toBe(0);
    expect(spawnSync('cat', [target], { encoding: 'utf8' }).stdout).toBe('ok\n');

    expect(runctl('terminate', ref).stdout).toContain(`terminated ${ref}`);
    expect(runctl('terminate', ref).status).toBe(0);
  });

  it('Ctrl-C during train -f detaches, prints how to reattach, and the job keeps running', async () => {
    const child = spawn(process.execPath, ['--conditions=@runctl/source', CLI, 'train', '-f', 'sh', '-c', 'echo started; sleep 3; echo still-here'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    for await (const line of createInterface({ input: child.stdout })) if (line === 'started') break;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(130);
    const reattach = /reattach: runctl logs (\S+) --job (\S+) -f --cursor (\S+)/.exec(stderr);
    expect(reattach).not.toBeNull();
    const [, ref, jobId, cursor] = reattach as unknown as [string, string, string, string];
    const resumed = runctl('logs', ref, '--job', jobId, '-f', '--cursor', cursor);
    expect(resumed.stdout).toBe('still-here\n');
    expect(resumed.status).toBe(0);
    runctl('terminate', ref);
  });

  it('sweeps only expired managed resources, dry run unless --yes', async () => {
    const expired = JSON.parse(runctl('create', 'local', '--max-lifetime', '1ms', '--json').stdout) as { id: string };
    const fresh = JSON.parse(runctl('create', 'local', '--max-lifetime', '1h', '--json').stdout) as { id: string };
    await new Promise((resolve) => setTimeout(resolve, 20));
    const dry = runctl('sweep');
    expect(dry.stdout).toContain(`would terminate local:${expired.id}`);
    expect(dry.stdout).not.toContain(fresh.id);
    expect(JSON.parse(runctl('status', `local:${expired.id}`, '--json').stdout).resource.state).toBe('running');
    expect(runctl('sweep', '--yes').stdout).toContain(`terminated local:${expired.id}`);
    expect(JSON.parse(runctl('status', `local:${expired.id}`, '--json').stdout).resource.state).toBe('terminated');
    runctl('terminate', `local:${fresh.id}`);
  });

  it('reports errors as one line with a hint and documented exit codes; no colour without a TTY', () => {
    const unknown = runctl('status', 'local:local-0000000000');
    expect(unknown.status).toBe(3);
    expect(unknown.stderr.trim().split('\n')[0]).toMatch(/^error local: No local resource local-0000000000/);
    expect(unknown.stderr).not.toContain('    at ');
    expect(unknown.stderr).not.toMatch(/\x1b\[/);
    expect(runctl('status', 'local:local-0000000000', '--debug').stderr).toContain('    at ');
    expect(runctl('train').status).toBe(2);
    expect(runctl('create', 'local', '--bogus').status).toBe(2);
    expect(runctl('train', '--max-runtime', 'soon', 'true').stderr).toContain("--max-runtime: not a duration: soon");
    expect(runctl('nope').status).toBe(2);
    expect(runctl('cost', 'compare', '--gpu', 'TPU').status).toBe(2);
  });

  it('estimates and compares costs', () => {
    expect(runctl('cost', 'estimate', 'local', '--hours', '3').stdout).toMatch(/local local: \$0\.000\/h × 3 h = \$0\.000\s+\[free/);
    const compare = runctl('cost', 'compare', '--gpu', 'A100-80GB');
    expect(compare.status).toBe(0);
    expect(compare.stderr).toContain('no configured provider offers A100-80GB');
    expect(JSON.parse(runctl('gpus', '--json').stdout).map((gpu: { name: string }) => gpu.name)).toContain('H100-SXM');
  });
});
