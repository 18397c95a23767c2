import { execFile } from 'node:child_process';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunctlError, type LogEvent, type LogLineEvent, type TrainingProvider } from '@runctl/core';
import { createTempDir, startSshd, startTcpProxy, type LoopbackSshd, type TcpProxy, type TempDir } from '@runctl/test-utils';
import { createSsh } from './ssh-provider.ts';
import type { SshHostConfig, SshProviderSettings } from './ssh-settings.ts';

async function collect(events: AsyncIterable<LogEvent>, onEvent?: (event: LogEvent, index: number) => void): Promise<LogEvent[]> {
  const result: LogEvent[] = [];
  for await (const event of events) {
    onEvent?.(event, result.length);
    result.push(event);
  }
  return result;
}
const stdout = (events: LogEvent[]): string[] => events.filter((event): event is LogLineEvent => event.type === 'log' && event.stream === 'stdout').map((event) => event.line);
const gone = (path: string): Promise<boolean> => access(path).then(() => false, () => true);

describe('ssh provider against a real sshd', () => {
  let sshd: LoopbackSshd;
  let scratch: TempDir;
  let proxy: TcpProxy;
  let settings: SshProviderSettings;
  let ssh: TrainingProvider;
  let workspaces: string;

  beforeAll(async () => {
    sshd = await startSshd();
    scratch = await createTempDir('ssh-lifecycle');
    proxy = await startTcpProxy({ host: sshd.host, port: sshd.port });
    const knownHosts = join(scratch.path, 'known_hosts');
    await writeFile(knownHosts, `${sshd.knownHostsLine()}\n${sshd.knownHostsLine({ port: proxy.port })}\n`);
    workspaces = join(scratch.path, 'workspaces');
    const host = (name: string, extra: Partial<SshHostConfig>): SshHostConfig => ({ name, host: sshd.host, port: sshd.port, user: sshd.user, privateKey: sshd.userKey.path, ...extra });
    settings = {
      knownHosts,
      workspaceRoot: workspaces,
      hosts: [
        host('a100-1', { instanceType: 'a100', labels: ['gpu'], gpus: 8, costPerHour: 2.5 }),
        host('a100-2', { instanceType: 'a100', labels: ['gpu'], gpus: 8, costPerHour: 2 }),
        host('flaky', { port: proxy.port, instanceType: 'flaky-net' }),
        host('spare', { instanceType: 'cpu' }),
      ],
    };
    ssh = createSsh(settings);
  });
  afterAll(async () => {
    await proxy.close();
    await sshd.close();
    await scratch.remove();
  });

  it('runs the whole cycle: workdir → train → monitor → download → terminate, and prices from costPerHour', async () => {
    const workdir = join(scratch.path, 'project');
    await mkdir(workdir, { recursive: true });
    await writeFile(join(workdir, 'train.sh'), 'for e in 1 2 3; do echo "epoch $e loss 0.$e"; done\nmkdir -p "$RUNCTL_OUTPUT_DIR"\nhead -c 3000000 /dev/urandom > "$RUNCTL_OUTPUT_DIR/model.bin"\necho "$GREETING"\n');
    const resource = await ssh.createResource('a100', { name: 'cycle', tags: { team: 'ml' } });
    expect(resource).toMatchObject({ provider: 'ssh', state: 'running', instanceType: 'a100', costPerHour: 2.5, tags: { team: 'ml', 'runctl:managed': 'true' } });
    expect(resource.id).toMatch(/^ssh-[0-9a-f]{10}@a100-1$/);

    const job = await ssh.train(resource.id, { command: ['sh', 'train.sh'], workdir, environment: { GREETING: 'hi there' } });
    const events = await collect(ssh.monitor(resource.id, { jobId: job.jobId }));
    expect(stdout(events)).toEqual(['epoch 1 loss 0.1', 'epoch 2 loss 0.2', 'epoch 3 loss 0.3', 'hi there']);
    expect(events.at(-1)).toMatchObject({ type: 'exit', status: { state: 'succeeded', exitCode: 0 } });

    const target = join(scratch.path, 'out');
    const result = await ssh.download(resource.id, 'outputs', target);
    expect(result).toMatchObject({ files: 1, bytes: 3_000_000 });
    const remoteModel = await readFile(join(workspaces, resource.id, 'outputs', 'model.bin'));
    expect((await readFile(join(target, 'model.bin'))).equals(remoteModel)).toBe(true);

    expect((await ssh.listResources({ ids: [resource.id] })).map((status) => status.state)).toEqual(['running']);
    await ssh.terminate(resource.id);
    expect(await gone(join(workspaces, resource.id))).toBe(true);
    expect((await ssh.getResourceStatus(resource.id)).state).toBe('terminated');
    expect((await ssh.listResources({ ids: [resource.id] })).map((status) => status.state)).toEqual(['terminated']);
    await expect(ssh.train(resource.id, { command: ['true'] })).rejects.toMatchObject({ code: 'INVALID_STATE' });

    expect(await ssh.estimateCost('a100', 10)).toMatchObject({ costPerHour: 2, total: 20, source: 'configured' });
    expect(await ssh.estimateCost('cpu', 3)).toMatchObject({ costPerHour: 0, total: 0 });
  });

  it('keeps one resource per host, agreed across processes, with a clear CAPACITY error', async () => {
    const first = await ssh.createResource('gpu');
    // A second provider with the same settings stands in for another process.
    const other = createSsh(settings);
    const second = await other.createResource('a100');
    expect(first.id).toMatch(/@a100-1$/);
    expect(second.id).toMatch(/@a100-2$/);
    const error = await ssh.createResource('a100').catch((reason: unknown) => reason);
    expect(RunctlError.hasCode(error, 'CAPACITY')).toBe(true);
    expect((error as Error).message).toContain('"a100"');
    expect((error as Error).message).toContain(`a100-1 is busy with ${first.id}; a100-2 is busy with ${second.id}`);
    // Each side sees the other's resource by id, and can end it.
    expect((await other.getResourceStatus(first.id)).state).toBe('running');
    await other.terminate(first.id);
    await ssh.terminate(second.id);
    const again = await ssh.createResource('a100');
    await ssh.terminate(again.id);
  });

  it('validates ids, instance types and settings', async () => {
    await expect(ssh.getResourceStatus('ssh-0123456789@nowhere')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(ssh.getResourceStatus('ssh-0123456789@spare')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(ssh.terminate('ssh-0123456789@spare')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(ssh.createResource('h100')).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'instanceType' });
    await expect(ssh.estimateCost('h100', 1)).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'instanceType' });
    await expect(ssh.createResource('cpu', { spot: true })).rejects.toMatchObject({ field: 'options.spot' });
    const fieldOf = (bad: unknown): string | undefined => {
      try {
        createSsh(bad as SshProviderSettings);
      } catch (error) {
        return (error as { field?: string }).field;
      }
      return undefined;
    };
    const good = settings.hosts[0] as SshHostConfig;
    expect(fieldOf({ hosts: [] })).toBe('settings.hosts');
    expect(fieldOf({ hosts: [{ ...good, port: 0 }] })).toBe('settings.hosts[0].port');
    expect(fieldOf({ hosts: [good, { ...good }] })).toBe('settings.hosts[1].name');
    expect(fieldOf({ hosts: [{ ...good, privateKey: undefined }] })).toBe('settings.hosts[0].privateKey');
    expect(fieldOf({ hosts: [good], workspaceRoot: 'relative/path' })).toBe('settings.workspaceRoot');
  });

  it('reconnects when the connection drops mid-monitor and resumes with no line lost or repeated', async () => {
    const resource = await ssh.createResource('flaky-net');
    try {
      const total = 4_000;
      const job = await ssh.train(resource.id, {
        command: ['sh', '-c', 'i=1; while [ $i -le "$1" ]; do echo "seq $i"; if [ $((i % 200)) -eq 0 ]; then sleep 0.1; fi; i=$((i+1)); done', 'sh', String(total)],
      });
      let cuts = 0;
      const events = await collect(ssh.monitor(resource.id, { jobId: job.jobId }), (event, index) => {
        // Drop the TCP connection twice while lines are still coming.
        if (event.type === 'log' && (index === 500 || index === 2_500)) {
          cuts++;
          proxy.cut();
        }
      });
      expect(cuts).toBe(2);
      expect(stdout(events)).toEqual(Array.from({ length: total }, (_, index) => `seq ${index + 1}`));
      expect(events.at(-1)).toMatchObject({ type: 'exit', status: { state: 'succeeded' } });
    } finally {
      await ssh.terminate(resource.id);
    }
  });

  it('leaves a job running when its client goes away for good; terminate later cancels it and removes the workspace', async () => {
    const fixture = fileURLToPath(new URL('./testing/start-job-and-exit.ts', import.meta.url));
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--conditions=@runctl/source', fixture],
        { env: { ...process.env, RUNCTL_TEST_SSH_SETTINGS: JSON.stringify(settings), RUNCTL_TEST_INSTANCE_TYPE: 'cpu' } },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });
    const { resourceId, jobId } = JSON.parse(output) as { resourceId: string; jobId: string };
    const jobDir = join(workspaces, resourceId, '.runctl', 'jobs', jobId);
    const pid = Number((await readFile(join(jobDir, 'pid'), 'utf8')).trim());

    // The process that started it is gone; the job is not.
    const later = createSsh(settings);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await later.getJobStatus(resourceId, jobId)).state).toBe('running');
    let beats = 0;
    for await (const event of later.monitor(resourceId, { jobId })) {
      if (event.type === 'log' && ++beats >= 8) break;
    }
    expect(isAlive(pid)).toBe(true);

    await later.terminate(resourceId);
    expect(await gone(join(workspaces, resourceId))).toBe(true);
    for (let waited = 0; isAlive(pid) && waited < 5_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isAlive(pid)).toBe(false);
    expect((await later.getResourceStatus(resourceId)).state).toBe('terminated');
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
