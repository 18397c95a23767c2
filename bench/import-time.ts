// Import time of each package in a fresh process, from the built dist
// (run `pnpm -r build` first), vs importing a Node builtin the same way.
// Run: node bench/import-time.ts
import { spawnSync } from 'node:child_process';
import { median, row } from './bench-utils.ts';

const PACKAGES = ['@runctl/core', '@runctl/agent', '@runctl/local', '@runctl/ssh', '@runctl/runpod', '@runctl/lyceum', '@runctl/aws', 'runctl'];
const ROUNDS = 7;

function timeImport(specifier: string | undefined): number {
  const script = specifier === undefined
    ? 'const t = performance.now(); process.stdout.write(String(performance.now() - t))'
    : `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t))`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${specifier}: ${result.stderr}`);
  return Number(result.stdout);
}

export async function run(): Promise<string[]> {
  // Reference: importing a package that is already a Node builtin (what "nothing" costs).
  const reference = median(Array.from({ length: ROUNDS }, () => timeImport('node:fs')));
  return PACKAGES.map((name) => {
    const times = Array.from({ length: ROUNDS }, () => timeImport(name));
    const goal = name === '@runctl/core' ? '< 30 ms' : 'SDK clients load on first use';
    return row([`import ${name} (fresh process, median of ${ROUNDS})`, `import node:fs ${reference.toFixed(1)} ms`, `${median(times).toFixed(1)} ms`, `+${(median(times) - reference).toFixed(1)} ms`, goal]);
  });
}

if (import.meta.main) for (const line of await run()) console.log(line);
