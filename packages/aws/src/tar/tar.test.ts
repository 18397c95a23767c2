import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK, encodeHeader, padding } from './tar-header.ts';
import { extractTarGz } from './tar-reader.ts';
import { writeTarGz } from './tar-writer.ts';

const LONG = `${'deep-folder-name/'.repeat(8)}${'a-file-with-a-long-name-'.repeat(4)}.txt`;

describe('tar.gz writer and reader', () => {
  let root: string;
  let source: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'runctl-tar-'));
    source = join(root, 'source');
    await mkdir(join(source, 'empty-dir'), { recursive: true });
    await mkdir(join(source, LONG, '..'), { recursive: true });
    await writeFile(join(source, LONG), 'long');
    await writeFile(join(source, 'run.sh'), '#!/bin/sh\n');
    await chmod(join(source, 'run.sh'), 0o755);
    await writeFile(join(source, 'empty.txt'), '');
    await writeFile(join(source, 'zürich ✓.bin'), randomBytes(100_000));
    await symlink('/etc/passwd', join(source, 'link'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('round-trips folders, files, modes and long or unicode names; symlinks are left out', async () => {
    const archive = join(root, 'a.tar.gz');
    const packed = await writeTarGz(source, archive);
    expect(packed.files).toBe(4);
    expect(packed.sha256).toMatch(/^[0-9a-f]{64}$/);
    const target = join(root, 'out');
    const unpacked = await extractTarGz(archive, target);
    expect(unpacked).toEqual({ files: 4, bytes: packed.bytes });
    expect(await readFile(join(target, LONG), 'utf8')).toBe('long');
    expect((await stat(join(target, 'run.sh'))).mode & 0o777).toBe(0o755);
    expect((await readFile(join(target, 'zürich ✓.bin'))).equals(await readFile(join(source, 'zürich ✓.bin')))).toBe(true);
    expect((await stat(join(target, 'empty-dir'))).isDirectory()).toBe(true);
    await expect(stat(join(target, 'link'))).rejects.toThrow();
  });

  it('writes archives GNU tar reads, and reads what GNU tar writes (GNU long names)', async () => {
    const archive = join(root, 'b.tar.gz');
    await writeTarGz(source, archive);
    const listed = spawnSync('tar', ['-tzf', archive], { encoding: 'utf8' });
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain(LONG);

    const gnu = join(root, 'gnu.tar.gz');
    expect(spawnSync('tar', ['--format=gnu', '-czf', gnu, '-C', source, '.'], { encoding: 'utf8' }).status).toBe(0);
    const target = join(root, 'from-gnu');
    await extractTarGz(gnu, target);
    expect(await readFile(join(target, LONG), 'utf8')).toBe('long');
    expect((await readdir(target)).sort()).toEqual(['deep-folder-name', 'empty-dir', 'empty.txt', 'run.sh', 'zürich ✓.bin']);
  });

  it('applies the filter, and skips everything below a rejected folder', async () => {
    const archive = join(root, 'c.tar.gz');
    await writeTarGz(source, archive);
    const target = join(root, 'filtered');
    const result = await extractTarGz(archive, target, { filter: (path, info) => !(info.isDirectory && path === 'deep-folder-name') && path !== 'empty.txt' });
    expect(result.files).toBe(2);
    expect((await readdir(target)).sort()).toEqual(['empty-dir', 'run.sh', 'zürich ✓.bin']);
  });

  it('never writes outside the target folder', async () => {
    const entry = (name: string, body: string): Buffer => Buffer.concat([encodeHeader({ name, mode: 0o644, size: body.length, mtime: 0, typeflag: '0' }), Buffer.from(body), Buffer.alloc(padding(body.length))]);
    const archive = join(root, 'evil.tar.gz');
    await writeFile(archive, gzipSync(Buffer.concat([entry('../escaped.txt', 'x'), entry('/abs.txt', 'y'), entry('ok.txt', 'z'), Buffer.alloc(BLOCK * 2)])));
    const target = join(root, 'jail');
    expect(await extractTarGz(archive, target)).toEqual({ files: 1, bytes: 1 });
    await expect(stat(join(root, 'escaped.txt'))).rejects.toThrow();
    expect(await readdir(target)).toEqual(['ok.txt']);
  });
});
