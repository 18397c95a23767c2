import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentScript } from '@runctl/agent';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_DATA_LIMIT, buildUserData, lifetimeMinutes } from './user-data.ts';

const base = { workspace: '~/runctl', spot: true, spotPollSeconds: 5, spotGraceSeconds: 90, lifetimeMinutes: 120 };

describe('user data', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'runctl-user-data-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('fits EC2’s 16 KB limit with the agent and the spot watcher inside', async () => {
    const script = await buildUserData(base);
    expect(Buffer.byteLength(script)).toBeLessThan(USER_DATA_LIMIT);
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(spawnSync('sh', ['-n'], { input: script }).status).toBe(0);
  });

  it('rounds the lifetime up to whole minutes', () => {
    expect(lifetimeMinutes(1)).toBe(1);
    expect(lifetimeMinutes(60_000)).toBe(1);
    expect(lifetimeMinutes(90_000)).toBe(2);
    expect(lifetimeMinutes(24 * 3_600_000)).toBe(1440);
  });

  it('runs as a fixed script: values stay data, the agent lands byte for byte, shutdown gets +N', async () => {
    const home = join(root, 'home');
    const bin = join(root, 'bin');
    await mkdir(home, { recursive: true });
    await mkdir(bin, { recursive: true });
    // Stand-ins: shutdown records its arguments; aws exists so nothing is installed; sleep returns
    // at once, so the agent's background timer ends now (calling the stand-in shutdown) instead
    // of outliving the test.
    await writeFile(join(bin, 'shutdown'), `#!/bin/sh\necho "$*" >> '${join(root, 'shutdown.log')}'\n`);
    await writeFile(join(bin, 'aws'), '#!/bin/sh\nexit 0\n');
    await writeFile(join(bin, 'sleep'), '#!/bin/sh\nexit 0\n');
    for (const tool of ['shutdown', 'aws', 'sleep']) await chmod(join(bin, tool), 0o755);
    const hostile = `~/odd $(touch ${join(root, 'pwned')}) 'quoted' \`x\``;
    const script = await buildUserData({ ...base, spot: false, workspace: hostile, lifetimeMinutes: 7 });
    const result = spawnSync('sh', ['-c', script], { env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, HOME: home }, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('runctl: ready');
    await expect(readFile(join(root, 'pwned'))).rejects.toThrow();
    const { text, version } = await agentScript();
    const workspace = join(home, hostile.slice(2));
    expect(await readFile(join(workspace, '.runctl', `agent-${version}.sh`), 'utf8')).toBe(text);
    expect((await readFile(join(root, 'shutdown.log'), 'utf8')).split('\n')).toContain('-h +7');
    expect(await readdir(join(workspace, '.runctl'))).not.toContain('spot-watcher.sh');
    // Let the agent's background timer (which found sleep instant) finish before the folder goes.
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
});
