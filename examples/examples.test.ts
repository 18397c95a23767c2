import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The examples that need no cloud run for real here, as users run them.
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'runctl-examples-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

function runExample(file: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['--conditions=@runctl/source', new URL(file, import.meta.url).pathname], {
    env: { ...process.env, RUNCTL_LOCAL_ROOT: root },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const hasTorch = ['python3', '/usr/bin/python3'].some((python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);

describe('examples', () => {
  it('quickstart trains, streams metrics, downloads and terminates', () => {
    const { status, output } = runExample('./quickstart.ts');
    expect(output).toContain('job succeeded (exit code 0, completed)');
    expect(output).toMatch(/loss by epoch: (\d\.\d{3} → ){7}\d\.\d{3}/);
    expect(output).toMatch(/downloaded 1 checkpoint file\(s\) and metrics\.json/);
    expect(output).toMatch(/terminated local-[0-9a-f]+; it cost \$0\.00/);
    expect(status).toBe(0);
  }, 120_000);

  // CI installs python3-torch, so there this never skips.
  it.skipIf(!hasTorch && process.env.CI === undefined)('pytorch-local stops at maxRuntime with a checkpoint, then resumes', () => {
    const { status, output } = runExample('./pytorch-local.ts');
    expect(output).toMatch(/SIGTERM: saved checkpoint at epoch \d+/);
    expect(output).toContain('-> failed (max-runtime, exit 143)');
    expect(output).toMatch(/resumed from .*checkpoint\.pt at epoch \d+/);
    expect(output).toContain('-> succeeded (completed, exit 0)');
    expect(status).toBe(0);
  }, 120_000);
});
