import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIFETIME_WATCHDOG } from './pod-lifetime.ts';

const run = promisify(execFile);

// The watchdog gets the pid to stop as an argument (1 on a pod); here a sleeping child stands in for PID 1.
describe('maxLifetime watchdog script', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runctl-lifetime-'));
    await writeFile(join(dir, 'runpodctl'), '#!/bin/sh\necho "runpodctl $*" >> "$RUNPODCTL_CALLS"\n[ "$RUNPODCTL_FAIL" != 1 ]\n');
    await chmod(join(dir, 'runpodctl'), 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const watchdog = async (podIdInEnv: string, options: { withRunpodctl: boolean; failing?: boolean }) => {
    const target = spawn('sleep', ['30'], { stdio: 'ignore' });
    const log = join(dir, `log-${target.pid}`);
    const calls = join(dir, `calls-${target.pid}`);
    const env = {
      PATH: options.withRunpodctl ? `${dir}:/usr/bin:/bin` : '/usr/bin:/bin',
      RUNPOD_POD_ID: podIdInEnv,
      RUNPODCTL_CALLS: calls,
      RUNPODCTL_FAIL: options.failing ? '1' : '0',
    };
    const exited = new Promise<NodeJS.Signals | null>((resolve) => target.once('exit', (_, signal) => resolve(signal)));
    await run('sh', ['-c', LIFETIME_WATCHDOG, 'runctl-lifetime', '0', 'pod123', log, String(target.pid)], { env });
    const stopped = await Promise.race([exited, new Promise<'alive'>((resolve) => setTimeout(() => resolve('alive'), 300))]);
    if (stopped === 'alive') target.kill();
    return { stopped, log: await readFile(log, 'utf8').catch(() => ''), calls: await readFile(calls, 'utf8').catch(() => '') };
  };

  it('removes its own pod with runpodctl', async () => {
    const outcome = await watchdog('pod123', { withRunpodctl: true });
    expect(outcome.calls).toBe('runpodctl remove pod pod123\n');
    expect(outcome.stopped).toBe('alive');
    expect(outcome.log).toContain('maxLifetime of pod pod123 is over');
  });

  it('stops the container when runpodctl is missing or fails', async () => {
    expect((await watchdog('pod123', { withRunpodctl: false })).stopped).toBe('SIGTERM');
    const failing = await watchdog('pod123', { withRunpodctl: true, failing: true });
    expect(failing.stopped).toBe('SIGTERM');
    expect(failing.log).toContain('stopping its container');
  });

  it('does nothing anywhere but inside that pod', async () => {
    const outcome = await watchdog('another-pod', { withRunpodctl: true });
    expect(outcome).toMatchObject({ stopped: 'alive', calls: '' });
    expect(outcome.log).toContain('nothing stopped');
  });
});
