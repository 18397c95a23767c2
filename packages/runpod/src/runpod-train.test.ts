import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunctlError, type LogEvent, type LogLineEvent } from '@runctl/core';
import { AgentClient, createLocalTransport } from '@runctl/agent';
import { startSshd, type LoopbackSshd } from '@runctl/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lifetimeMarker } from './pod-lifetime.ts';
import { collect, failureOf, POD_ENVIRONMENT, startRunpodHarness, type RunpodHarness } from './test-fixtures/runpod-harness.ts';

const lines = (events: readonly LogEvent[]): string[] => events.filter((event): event is LogLineEvent => event.type === 'log').map((event) => `${event.stream}:${event.line}`);

describe('runpod train over SSH (fake API + loopback sshd)', () => {
  let sshd: LoopbackSshd;
  let harness: RunpodHarness | undefined;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(() => sshd.close());
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('trains end to end: workdir, data, env restored from the container, secrets, download', async () => {
    harness = await startRunpodHarness({ sshd });
    const { provider, fake, dir } = harness;
    const workdir = join(dir, 'project');
    const data = join(dir, 'dataset');
    await mkdir(join(workdir, 'ignored'), { recursive: true });
    await mkdir(data, { recursive: true });
    await writeFile(join(workdir, '.gitignore'), 'ignored/\n');
    await writeFile(join(workdir, 'ignored', 'big.bin'), 'x');
    await writeFile(join(data, 'rows.csv'), 'a,b\n1,2\n');
    await writeFile(
      join(workdir, 'train.sh'),
      [
        'echo "pod=$RUNPOD_POD_ID gpus=$CUDA_VISIBLE_DEVICES mode=$WANDB_MODE"',
        'if [ -n "$HF_TOKEN" ]; then echo "token is set"; fi',
        'ls ignored 2>/dev/null || echo "no ignored files"',
        'cat "$RUNCTL_DATA_DIR/rows.csv"',
        'mkdir -p "$RUNCTL_CHECKPOINT_DIR" && printf ckpt > "$RUNCTL_CHECKPOINT_DIR/epoch-1.pt"',
        'printf \'{"loss":0.1}\' > "$RUNCTL_OUTPUT_DIR/metrics.json"',
        'echo "$1" >&2',
      ].join('\n'),
    );

    const pod = await provider.createResource('RTX4090', { name: 'e2e' });
    const secret = 'hf_SECRET_value_123456';
    const job = await provider.train(pod.id, { script: 'train.sh', workdir, dataSource: data, args: ['done, to stderr'], environment: { WANDB_MODE: 'offline' }, secrets: { HF_TOKEN: secret } });
    expect(job).toMatchObject({ resourceId: pod.id, provider: 'runpod' });
    const events = await collect(provider.monitor(pod.id, { jobId: job.jobId }));
    expect(lines(events)).toEqual([
      `stdout:pod=${POD_ENVIRONMENT.RUNPOD_POD_ID} gpus=0 mode=offline`,
      'stdout:token is set',
      'stdout:no ignored files',
      'stdout:a,b',
      'stdout:1,2',
      'stderr:done, to stderr',
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'exit', status: { state: 'succeeded', exitCode: 0, reason: 'completed' } });

    const checkpoints = await provider.download(pod.id, 'checkpoints', join(dir, 'out', 'checkpoints'));
    expect(checkpoints.files).toBe(1);
    expect(await readFile(join(dir, 'out', 'checkpoints', 'epoch-1.pt'), 'utf8')).toBe('ckpt');
    await provider.download(pod.id, 'outputs/metrics.json', join(dir, 'out', 'metrics.json'));
    expect(JSON.parse(await readFile(join(dir, 'out', 'metrics.json'), 'utf8'))).toEqual({ loss: 0.1 });

    // The host key was pinned in this pod's own known_hosts file, which terminate removes.
    const knownHosts = join(dir, 'known_hosts', pod.id);
    expect(await readFile(knownHosts, 'utf8')).toContain(`[127.0.0.1]:${sshd.port} ssh-ed25519 `);
    expect(JSON.stringify([...fake.pods.values()])).not.toContain(secret);
    await provider.terminate(pod.id);
    await expect(stat(knownHosts)).rejects.toThrow();
  });

  it('arms the maxLifetime watchdog once per pod, inside the pod only', async () => {
    harness = await startRunpodHarness({ sshd });
    const { provider } = harness;
    const pod = await provider.createResource('RTX4090', { maxLifetime: '8s' });
    const marker = lifetimeMarker(pod.id);
    try {
      await provider.train(pod.id, { command: ['true'] });
      const [expiry, pid] = (await readFile(marker, 'utf8')).trim().split(' ');
      expect(expiry).toBe(pod.expiresAt?.toISOString());
      expect(() => process.kill(Number(pid), 0)).not.toThrow();
      await provider.close();
      await provider.getJobStatus(pod.id, (await provider.train(pod.id, { command: ['true'] })).jobId); // reconnect: not armed again
      expect((await readFile(marker, 'utf8')).trim()).toBe(`${expiry} ${pid}`);
      // The fake pods' container env says RUNPOD_POD_ID=from-container-env, so the watchdog must leave this machine alone.
      await until(async () => (await readFile(`${marker}.log`, 'utf8').catch(() => '')).includes('nothing stopped'), 15_000);
      // Past the expiry, a new connection starts no more work.
      expect(RunctlError.hasCode(await failureOf(harness.withSettings({}).train(pod.id, { command: ['true'] })), 'INVALID_STATE')).toBe(true);
    } finally {
      await rm(marker, { force: true });
      await rm(`${marker}.log`, { force: true });
    }
  });

  it('ends monitor with resource-lost when the pod is deleted mid-stream, even though SSH stays up', async () => {
    harness = await startRunpodHarness({ sshd });
    const { provider, fake } = harness;
    const pod = await provider.createResource('RTX4090');
    const job = await provider.train(pod.id, { command: ['sh', '-c', 'while true; do echo tick; sleep 0.1; done'] });
    const events: LogEvent[] = [];
    const started = Date.now();
    for await (const event of provider.monitor(pod.id, { jobId: job.jobId })) {
      events.push(event);
      if (events.length === 3) fake.deletePod(pod.id);
    }
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(events.at(-1)).toMatchObject({ type: 'exit', status: { jobId: job.jobId, reason: 'resource-lost' } });
    // The job on the loopback "machine" is still running: stop it through its workspace, by its recorded pid.
    const agent = new AgentClient({ transport: createLocalTransport(), workspace: join(harness.dir, 'pods', pod.id) });
    expect((await agent.cancel(job.jobId, { graceMs: 1_000 })).state).toBe('cancelled');
  });

  it('reports a spot pod stopped under a monitor as preempted', async () => {
    harness = await startRunpodHarness({ sshd });
    const { provider, fake } = harness;
    const pod = await provider.createResource('RTX4090', { spot: true, bidPerGpu: 0.35 });
    const job = await provider.train(pod.id, { command: ['sh', '-c', 'while true; do echo tick; sleep 0.1; done'] });
    const events: LogEvent[] = [];
    for await (const event of provider.monitor(pod.id, { jobId: job.jobId })) {
      events.push(event);
      if (events.length === 2) fake.setStatus(pod.id, 'EXITED');
    }
    expect(events.at(-1)).toMatchObject({ type: 'exit', status: { reason: 'preempted' } });
    fake.setStatus(pod.id, 'RUNNING');
    await provider.cancelJob(pod.id, job.jobId);
  });

  it('gives a typed TIMEOUT, not a hang, for a pod stuck in PROVISIONING', async () => {
    harness = await startRunpodHarness({ sshd, settings: { readyTimeout: '1s', pollInterval: 100 } });
    const { provider, fake } = harness;
    fake.stickInProvisioning('all-new');
    const pod = await provider.createResource('RTX4090');
    const started = Date.now();
    const error = await failureOf(provider.train(pod.id, { command: ['true'] }));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(RunctlError.hasCode(error, 'TIMEOUT')).toBe(true);
    expect((error as RunctlError).retryable).toBe(false);
    expect((error as RunctlError).message).toContain('PROVISIONING');
    expect((error as RunctlError).hint).toContain('another GPU type');
    const monitorStarted = Date.now();
    const monitorError = await failureOf(collect(provider.monitor(pod.id)));
    expect(RunctlError.hasCode(monitorError, 'TIMEOUT')).toBe(true);
    expect(Date.now() - monitorStarted).toBeLessThan(3_000);
  });

  it('fails fast with INVALID_STATE on a stopped or failed pod, NOT_FOUND on a deleted one', async () => {
    harness = await startRunpodHarness({ sshd });
    const { provider, fake } = harness;
    const pod = await provider.createResource('RTX4090');
    for (const status of ['EXITED', 'ERROR'] as const) {
      fake.setStatus(pod.id, status);
      const error = await failureOf(provider.train(pod.id, { command: ['true'] }));
      expect(RunctlError.hasCode(error, 'INVALID_STATE') && error.message).toContain(status);
    }
    fake.deletePod(pod.id);
    expect(RunctlError.hasCode(await failureOf(provider.getJobStatus(pod.id, 'job-x')), 'NOT_FOUND')).toBe(true);
  });

  it('refuses a pod whose host key changed (same pod, new key): never trusts silently', async () => {
    harness = await startRunpodHarness({ sshd });
    const { provider, dir } = harness;
    const pod = await provider.createResource('RTX4090');
    const knownHosts = join(dir, 'known_hosts', pod.id);
    await mkdir(join(dir, 'known_hosts'), { recursive: true });
    await writeFile(knownHosts, `[127.0.0.1]:${sshd.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE7mS6zxjWmDhM1cZfXY4+Oz1q5bNOTN4hfBiIiz0Dqy\n`);
    const error = await failureOf(provider.train(pod.id, { command: ['true'] }));
    expect(RunctlError.hasCode(error, 'AUTH') && error.message).toContain('Host key verification failed');
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
