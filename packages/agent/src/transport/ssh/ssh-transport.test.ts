import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, chmod, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, RunctlError } from '@runctl/core';
import { createTempDir, startSshd, type LoopbackSshd, type TempDir } from '@runctl/test-utils';
import type { Transport } from '../transport.ts';
import { createSshTransport } from './ssh-transport.ts';
import type { SshTransportOptions } from './ssh-transport-options.ts';

describe('ssh transport against a real sshd', () => {
  let sshd: LoopbackSshd;
  let scratch: TempDir;
  let transport: Transport;
  let remote: string;
  const open = (overrides: Partial<SshTransportOptions> = {}): Transport =>
    createSshTransport({ host: sshd.host, port: sshd.port, username: sshd.user, privateKey: sshd.userKey.path, knownHosts: sshd.knownHostsPath, ...overrides });

  beforeAll(async () => {
    sshd = await startSshd();
    scratch = await createTempDir('ssh-transport');
    remote = join(scratch.path, 'remote');
    await mkdir(remote);
    transport = open();
  });
  afterAll(async () => {
    await transport.close();
    await sshd.close();
    await scratch.remove();
  });

  it('describes itself and connects lazily', async () => {
    const lazy = open({ privateKey: join(scratch.path, 'no-such-key') });
    expect(lazy.description).toBe(`ssh ${sshd.user}@127.0.0.1:${sshd.port}`);
    // The key file is read only now, on first use.
    await expect(lazy.exec(['true'])).rejects.toMatchObject({ code: 'AUTH' });
  });

  it('runs argv exactly, hostile strings included, with stdin, stderr and exit codes', async () => {
    const argv = ["it's", '$(touch pwned)', '`id`', 'a\nb', '--flag', '', 'émoji 🚀', '*', '$HOME', ';', '|', '&&'];
    const result = await transport.exec(['sh', '-c', 'cd "$0"; printf "%s\\n" "$#"; for a in "$@"; do printf "[%s]\\n" "$a"; done; cat; echo oops >&2; exit 7', remote, ...argv], { stdin: 'from stdin' });
    expect(result.exitCode).toBe(7);
    expect(result.stdout.toString('utf8')).toBe(`${argv.length}\n${argv.map((value) => `[${value}]`).join('\n')}\nfrom stdin`);
    expect(result.stderr.toString('utf8')).toBe('oops\n');
    await expect(stat(join(remote, 'pwned'))).rejects.toThrow();
  });

  it('refuses argv that no command line can carry', async () => {
    await expect(transport.exec([])).rejects.toSatisfy((error) => InvalidInputError.isInstance(error));
    await expect(transport.exec(['echo', 'a\0b'])).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'argv[1]' });
  });

  it('streams output of a running command and reports signals as 128+N', async () => {
    const child = transport.spawn(['sh', '-c', 'echo started; sleep 30']);
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8'))));
    expect(first).toBe('started\n');
    child.kill();
    expect(await child.exit).toBe(137);
  });

  it('times out and aborts long commands', async () => {
    await expect(transport.exec(['sleep', '30'], { timeout: 200 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(transport.exec(['sleep', '30'], { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('carries many channels at once on one connection, past sshd’s MaxSessions', async () => {
    const results = await Promise.all([
      ...Array.from({ length: 20 }, (_, index) => transport.exec(['sh', '-c', 'sleep 0.1; echo "$1"', 'sh', String(index)])),
      ...Array.from({ length: 10 }, () => transport.stat(remote)),
    ]);
    expect(results.slice(0, 20).map((result) => (result as { stdout: Buffer }).stdout.toString('utf8').trim())).toEqual(Array.from({ length: 20 }, (_, index) => String(index)));
    const connections = sshd.logs().split('\n').filter((line) => line.startsWith('Accepted publickey')).length;
    // One connection served all of it (the lazy-connect test above made its own failed attempt).
    expect(connections).toBe(1);
  });

  it('puts envPrefix in front of every command, keeping the argv separate', async () => {
    const prefixed = open({ envPrefix: ['env', 'RUNCTL_PREFIXED=yes', 'sh', '-c', 'printf "%s|" "$RUNCTL_PREFIXED" "$@"', 'preamble'] });
    try {
      const result = await prefixed.exec(['$(id)', "a'b"]);
      expect(result.stdout.toString('utf8')).toBe("yes|$(id)|a'b|");
    } finally {
      await prefixed.close();
    }
  });

  it('reads files at byte offsets, including a file that grows between reads', async () => {
    const path = join(remote, 'log');
    await writeFile(path, 'hello ');
    expect((await transport.readFile(path)).toString()).toBe('hello ');
    await writeFile(path, 'hello world\n', { flag: 'w' });
    expect((await transport.readFile(path, { offset: 6 })).toString()).toBe('world\n');
    expect((await transport.readFile(path, { offset: 2, length: 3 })).toString()).toBe('llo');
    expect((await transport.readFile(path, { offset: 100 })).length).toBe(0);
    await expect(transport.readFile(join(remote, 'missing'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const big = randomBytes(3 << 20);
    await writeFile(path, big);
    const head = await transport.readFile(path, { offset: 0, length: 1 << 20 });
    expect(head.equals(big.subarray(0, 1 << 20))).toBe(true);
    const rest = await transport.readFile(path, { offset: 1 << 20, length: 8 << 20 });
    expect(rest.equals(big.subarray(1 << 20))).toBe(true);
    expect((await transport.readFile(path)).equals(big)).toBe(true);
  });

  it('keeps a file open for repeated reads while it grows (log following)', async () => {
    const path = join(remote, 'growing.log');
    await writeFile(path, '');
    const openReader = transport.openReader?.bind(transport);
    expect(openReader).toBeDefined();
    await expect(openReader?.(join(remote, 'not-yet'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const reader = await (openReader as NonNullable<typeof openReader>)(path);
    try {
      expect((await reader.read(0, 1 << 20)).length).toBe(0);
      const chunk = randomBytes(2 << 20);
      await appendFile(path, chunk);
      const first = await reader.read(0, 1 << 20);
      expect(first.equals(chunk.subarray(0, 1 << 20))).toBe(true);
      const second = await reader.read(1 << 20, 4 << 20);
      expect(second.equals(chunk.subarray(1 << 20))).toBe(true);
      expect((await reader.read(2 << 20, 1 << 20)).length).toBe(0);
      await appendFile(path, 'tail\n');
      expect((await reader.read(2 << 20, 1 << 20)).toString()).toBe('tail\n');
    } finally {
      await reader.close();
    }
  });

  it('stats without following symlinks and resolves real paths', async () => {
    await writeFile(join(remote, 'target'), 'x');
    await symlink(join(remote, 'target'), join(remote, 'link'));
    expect(await transport.stat(join(remote, 'target'))).toMatchObject({ type: 'file', size: 1 });
    expect((await transport.stat(join(remote, 'link')))?.type).toBe('symlink');
    expect((await transport.stat(remote))?.type).toBe('directory');
    expect(await transport.stat(join(remote, 'nothing'))).toBeUndefined();
    expect(await transport.realpath(join(remote, 'link'))).toBe(join(await realRoot(), 'target'));
    expect(await transport.realpath(join(remote, 'nothing'))).toBeUndefined();
  });

  it('writes files atomically with exact modes, creating folders', async () => {
    const path = join(remote, 'deep', 'er', 'secret');
    await transport.writeFile(path, 'one', { mode: 0o600 });
    expect(await readFile(path, 'utf8')).toBe('one');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await transport.writeFile(path, 'two!', { mode: 0o700 });
    expect(await readFile(path, 'utf8')).toBe('two!');
    expect((await stat(path)).mode & 0o777).toBe(0o700);
    expect(await readdir(join(remote, 'deep', 'er'))).toEqual(['secret']);
    // After the folder is removed behind our back, writing still works.
    await rm(join(remote, 'deep'), { recursive: true });
    await transport.writeFile(path, Buffer.from('three'));
    expect(await readFile(path, 'utf8')).toBe('three');
    expect((await transport.readFile(path)).toString()).toBe('three');
  });

  it('uploads and downloads folders with the filter, skipping symlinks, keeping modes', async () => {
    const local = join(scratch.path, 'tree');
    await mkdir(join(local, 'sub', 'skipped'), { recursive: true });
    await writeFile(join(local, 'a.txt'), 'A');
    await writeFile(join(local, 'run.sh'), '#!/bin/sh\necho hi\n');
    await chmod(join(local, 'run.sh'), 0o755);
    await writeFile(join(local, 'sub', 'b.bin'), randomBytes(700_000));
    await writeFile(join(local, 'sub', 'skipped', 'c'), 'C');
    await symlink('/etc/passwd', join(local, 'sub', 'passwd'));
    const uploaded = await transport.upload(local, join(remote, 'up'), { filter: (path) => !path.endsWith('skipped') });
    expect(uploaded).toEqual({ files: 3, bytes: 1 + 18 + 700_000 });
    expect((await stat(join(remote, 'up', 'run.sh'))).mode & 0o777).toBe(0o755);
    await expect(stat(join(remote, 'up', 'sub', 'passwd'))).rejects.toThrow();
    await expect(stat(join(remote, 'up', 'sub', 'skipped'))).rejects.toThrow();

    await symlink('/etc', join(remote, 'up', 'sub', 'etc-link'));
    const progress: number[] = [];
    const back = join(scratch.path, 'back');
    const downloaded = await transport.download(join(remote, 'up'), back, { filter: (path) => path !== 'a.txt', onProgress: ({ bytes }) => progress.push(bytes) });
    expect(downloaded).toEqual({ files: 2, bytes: 18 + 700_000 });
    expect((await readFile(join(back, 'sub', 'b.bin'))).equals(await readFile(join(local, 'sub', 'b.bin')))).toBe(true);
    expect(await readdir(back)).toEqual(['run.sh', 'sub']);
    expect(await readdir(join(back, 'sub'))).toEqual(['b.bin']);
    expect(progress.at(-1)).toBe(18 + 700_000);
  });

  it('downloads a big file over several channels, sha256-checked when asked', async () => {
    const data = randomBytes(40 << 20);
    await writeFile(join(remote, 'weights.bin'), data);
    const target = join(scratch.path, 'weights.bin');
    expect(await transport.download(join(remote, 'weights.bin'), target)).toEqual({ files: 1, bytes: data.length });
    expect((await readFile(target)).equals(data)).toBe(true);
    const checked = open({ verifyDownloads: 'always' });
    try {
      await rm(target);
      expect(await checked.download(join(remote, 'weights.bin'), target)).toEqual({ files: 1, bytes: data.length });
      expect((await readFile(target)).equals(data)).toBe(true);
    } finally {
      await checked.close();
    }
    await expect(transport.download(join(remote, 'nope'), target)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(transport.download(join(remote, 'link'), target)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('reconnects lazily after close()', async () => {
    const own = open();
    expect((await own.exec(['echo', 'one'])).stdout.toString()).toBe('one\n');
    await own.close();
    expect((await own.exec(['echo', 'two'])).stdout.toString()).toBe('two\n');
    await own.close();
  });

  it('lets a script exit without close(): an idle connection does not hold the process', async () => {
    const fixture = fileURLToPath(new URL('./testing/use-and-forget.ts', import.meta.url));
    const options = { host: sshd.host, port: sshd.port, username: sshd.user, privateKey: sshd.userKey.path, knownHosts: sshd.knownHostsPath, keepaliveInterval: 500 };
    const started = Date.now();
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--conditions=@runctl/source', fixture], { env: { ...process.env, RUNCTL_TEST_SSH_OPTIONS: JSON.stringify(options) }, timeout: 20_000 }, (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
      );
    });
    expect(output).toBe('done\n');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('never puts the key or passphrase into errors', async () => {
    const key = await sshd.createUserKey('secret-holder', { passphrase: 'correct horse battery', authorize: false });
    const failing = open({ privateKey: key.privateKey, passphrase: 'correct horse battery' });
    const error = await failing.exec(['true']).catch((reason: unknown) => reason);
    expect(RunctlError.hasCode(error, 'AUTH')).toBe(true);
    const text = `${(error as Error).message} ${(error as RunctlError).hint ?? ''} ${String((error as Error).cause ?? '')}`;
    expect(text).not.toContain('correct horse battery');
    expect(text).not.toContain(key.privateKey.split('\n')[1] as string);
    await failing.close();
  });

  async function realRoot(): Promise<string> {
    return (await transport.realpath(remote)) as string;
  }
});
