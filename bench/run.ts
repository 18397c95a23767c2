// Runs every benchmark (or those whose names contain an argument), each in a
// fresh process so memory and timings never carry over, and prints one
// markdown table.
//   pnpm -r build && node bench/run.ts                  # all, against the built packages
//   node --conditions=@runctl/source bench/run.ts local  # names containing "local", from sources
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = [
  'local-first-log-latency',
  'local-log-throughput',
  'local-slow-consumer',
  'local-follow-many',
  'ssh-download',
  'ssh-log-throughput',
  'api-calls-per-interval',
  'import-time',
];

/** Benchmarks that start the fake clouds, which exist only as workspace sources (`@runctl/<provider>/testing`). */
const NEEDS_SOURCES = new Set(['api-calls-per-interval']);

const filters = process.argv.slice(2);
const selected = BENCHES.filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)));
console.log('| benchmark | reference | runctl | ratio | goal |');
console.log('|---|---|---|---|---|');
for (const name of selected) {
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  const conditions = NEEDS_SOURCES.has(name) && !process.execArgv.includes('--conditions=@runctl/source') ? ['--conditions=@runctl/source'] : [];
  const result = spawnSync(process.execPath, [...process.execArgv, ...conditions, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const rows = result.stdout.split('\n').filter((line) => line.startsWith('|'));
  for (const row of rows) console.log(row);
  if (result.status !== 0 || rows.length === 0) console.log(`| ${name} | failed (exit ${result.status}): ${result.stderr.trim().split('\n').at(-1) ?? ''} | | | |`);
}
