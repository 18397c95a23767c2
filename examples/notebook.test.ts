import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// notebook.ipynb runs headless on Deno's Jupyter kernel through nbconvert, and
// its cells must have printed and drawn what the notebook promises.
// CI installs deno (from npm) and jupyter-nbconvert (from apt), so there this never skips.

interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}
interface NotebookCell {
  id?: string;
  cell_type: string;
  source: string | string[];
  outputs?: NotebookOutput[];
}

// Deno's kernel can publish a cell's last output just after it reports the
// cell idle; nbconvert then drops that output or files it under the next cell
// (about one cell in fifty here, more under load). A short pause at the end of
// each code cell lets those outputs go out first. The cells run otherwise as written.
const SETTLE = '\nawait new Promise((resolve) => setTimeout(resolve, 100));\n';

function onPath(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

const deno = onPath('deno');
const hasNbconvert = spawnSync('jupyter', ['nbconvert', '--version'], { stdio: 'ignore' }).status === 0;
const examples = fileURLToPath(new URL('.', import.meta.url));
const notebook = join(examples, 'notebook.ipynb');
const rootPackageJson = fileURLToPath(new URL('../package.json', import.meta.url));

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'runctl-notebook-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

function joined(text: string | string[] | undefined): string {
  return Array.isArray(text) ? text.join('') : (text ?? '');
}

describe('examples/notebook.ipynb', () => {
  it.skipIf((deno === undefined || !hasNbconvert) && process.env.CI === undefined)('runs on the Deno kernel: live logs, status events and a loss plot', async () => {
    expect(deno, 'deno is not on PATH').toBeDefined();
    expect(hasNbconvert, 'jupyter nbconvert is not installed').toBe(true);

    // A kernelspec of our own, found first through JUPYTER_PATH, so the run
    // uses this deno whatever kernels the machine has registered.
    const jupyterPath = join(root, 'jupyter');
    await mkdir(join(jupyterPath, 'kernels', 'deno'), { recursive: true });
    const kernelspec = { argv: [deno, 'jupyter', '--kernel', '--conn', '{connection_file}'], display_name: 'Deno', language: 'typescript' };
    await writeFile(join(jupyterPath, 'kernels', 'deno', 'kernel.json'), JSON.stringify(kernelspec));

    // Deno rewrites the root package.json when a resolution error makes it
    // "migrate" pnpm-workspace.yaml; running the notebook must never do that.
    const packageJsonBefore = await readFile(rootPackageJson, 'utf8');
    const executed = join(root, 'executed.ipynb');
    const started = Date.now();
    const source = JSON.parse(await readFile(notebook, 'utf8')) as { cells: NotebookCell[] };
    for (const cell of source.cells) {
      if (cell.cell_type === 'code') cell.source = `${joined(cell.source)}${SETTLE}`;
    }
    // Fed through stdin, the notebook runs in nbconvert's working directory,
    // examples/, next to its deno.json and train/.
    const run = spawnSync('jupyter', ['nbconvert', '--stdin', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=180', '--output', executed], {
      cwd: examples,
      input: JSON.stringify(source),
      env: {
        ...process.env,
        JUPYTER_PATH: jupyterPath,
        JUPYTER_RUNTIME_DIR: join(root, 'runtime'),
        RUNCTL_LOCAL_ROOT: join(root, 'local'),
        DENO_DIR: process.env.DENO_DIR ?? join(root, 'deno'),
        DENO_NO_UPDATE_CHECK: '1',
        NO_COLOR: '1',
      },
      encoding: 'utf8',
      timeout: 200_000,
    });
    const packageJsonAfter = await readFile(rootPackageJson, 'utf8');
    if (packageJsonAfter !== packageJsonBefore) await writeFile(rootPackageJson, packageJsonBefore);
    expect(packageJsonAfter, 'running the notebook changed package.json').toBe(packageJsonBefore);
    expect(run.status, `${run.stderr}`).toBe(0);
    console.log(`notebook executed in ${((Date.now() - started) / 1000).toFixed(1)}s`);

    const cells = (JSON.parse(await readFile(executed, 'utf8')) as { cells: NotebookCell[] }).cells;
    const outputs = (id: string): NotebookOutput[] => {
      const cell = cells.find((candidate) => candidate.id === id);
      if (cell === undefined) throw new Error(`notebook.ipynb has no cell with id "${id}"`);
      return cell.outputs ?? [];
    };
    const stdout = (id: string): string =>
      outputs(id)
        .filter((output) => output.output_type === 'stream' && output.name === 'stdout')
        .map((output) => joined(output.text))
        .join('');

    const everyOutput = cells.flatMap((cell) => cell.outputs ?? []);
    expect(everyOutput.filter((output) => output.output_type === 'error' || output.name === 'stderr')).toEqual([]);

    // 1. The watcher's first status event.
    const created = /\[status\] (local-[0-9a-f]+): new → running/.exec(stdout('create'));
    expect(created, stdout('create')).not.toBeNull();
    const id = created?.[1] ?? '';

    // 2. The training log, streamed line by line.
    const log = stdout('train');
    expect([...log.matchAll(/^> epoch=(\d+) loss=\d+\.\d+ acc=\d+\.\d+$/gm)].map((match) => Number(match[1]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(log).toContain('job succeeded (exit code 0)');

    // 3. The status event of the termination.
    expect(stdout('terminate')).toContain(`[status] ${id}: running → terminated`);

    // 4. The loss curve, as an inline SVG with one point per epoch.
    expect(stdout('plot')).toMatch(/loss by epoch: (\d\.\d{3} → ){7}\d\.\d{3}/);
    const svg = outputs('plot')
      .filter((output) => output.output_type === 'display_data' || output.output_type === 'execute_result')
      .map((output) => output.data?.['image/svg+xml'])
      .map((data) => joined(data as string | string[] | undefined))
      .find((text) => text !== '');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg?.match(/<circle /g)).toHaveLength(8);
    expect(svg).toMatch(/<polyline [^>]*points="([\d.]+,[\d.]+ ){7}[\d.]+,[\d.]+"/);
  }, 240_000);
});
