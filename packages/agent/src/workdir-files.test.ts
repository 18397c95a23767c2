import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectWorkdirFiles } from './workdir-files.ts';

describe('selectWorkdirFiles', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'runctl-workdir-'));
    const files: Record<string, string> = {
      '.gitignore': 'node_modules/\n*.ckpt\n/build\nlogs/\n',
      'train.py': 'print(1)',
      'model.ckpt': 'x',
      'build/out.bin': 'x',
      'src/build/keep.py': 'nested build/ is not root /build',
      'src/.gitignore': '*.tmp\n!keep.tmp\n',
      'src/a.tmp': 'x',
      'src/keep.tmp': 'x',
      'src/util.py': 'x',
      'node_modules/pkg/index.js': 'x',
      'logs/run.txt': 'x',
      '.git/HEAD': 'x',
      '.runctl/jobs/x': 'x',
      '.runctlignore': 'data/\n',
      'data/big.bin': 'x',
    };
    for (const [path, contents] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), contents);
    }
    await symlink('/etc/passwd', join(root, 'passwd-link'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('honours .gitignore at every level, .runctlignore, and skips VCS folders and symlinks', async () => {
    const selection = await selectWorkdirFiles(root);
    expect([...selection.files].sort()).toEqual(['.gitignore', '.runctlignore', 'src/.gitignore', 'src/build/keep.py', 'src/keep.tmp', 'src/util.py', 'train.py']);
    expect(selection.filter('src', { isDirectory: true })).toBe(true);
    expect(selection.filter('node_modules', { isDirectory: true })).toBe(false);
    expect(selection.filter('model.ckpt', { isDirectory: false })).toBe(false);
  });
});
