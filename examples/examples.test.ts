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

function runExample(file: string, ...args: string[]): { status: number | null; output: string } {
  const { RUNPOD_API_KEY: _runpod, LYCEUM_API_KEY: _lyceum, ...env } = process.env;
  const result = spawnSync(process.execPath, ['--conditions=@runctl/source', new URL(file, import.meta.url).pathname, ...args], {
    // No cloud keys: examples that need none must work without them.
    env: { ...env, RUNCTL_LOCAL_ROOT: root },
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

  it('watch-many runs a sweep, follows every log at once and watches status', () => {
    const { status, output } = runExample('./watch-many.ts', '6');
    expect(output).toMatch(/6 runs finished; best lr-5 with loss 0\.0333333/);
    expect(output).toContain('status: running (one listResources call per poll for all 6)');
    expect(output).toContain('after terminate: terminated');
    expect(status).toBe(0);
  }, 120_000);

  it('compare-costs prices a GPU on every provider without credentials, cheapest first', () => {
    const { status, output } = runExample('./compare-costs.ts', 'A100-80GB', '2', '10');
    const rows = output.split('\n').filter((line) => /^(runpod|lyceum|aws)\s+\S+.*\$\s*[\d.]+\/h/.test(line));
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const prices = rows.map((line) => Number(/\$\s*([\d.]+)\/h/.exec(line)?.[1]));
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(rows.every((line) => line.includes('[bundled,'))).toBe(true);
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
