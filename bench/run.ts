// Runs every benchmark (or those named) and prints one markdown table.
//   pnpm -r build && node bench/run.ts                  # all, against the built packages
//   node --conditions=@runctl/source bench/run.ts local  # names matching "local", from sources
const BENCHES: Record<string, () => Promise<{ run(): Promise<string[]> }>> = {
  'local-first-log-latency': () => import('./local-first-log-latency.ts'),
  'local-log-throughput': () => import('./local-log-throughput.ts'),
  'local-slow-consumer': () => import('./local-slow-consumer.ts'),
  'local-follow-many': () => import('./local-follow-many.ts'),
  'ssh-download': () => import('./ssh-download.ts'),
  'ssh-log-throughput': () => import('./ssh-log-throughput.ts'),
  'api-calls-per-interval': () => import('./api-calls-per-interval.ts'),
  'import-time': () => import('./import-time.ts'),
};

const filters = process.argv.slice(2);
const selected = Object.entries(BENCHES).filter(([name]) => filters.length === 0 || filters.some((filter) => name.includes(filter)));
console.log('| benchmark | reference | runctl | ratio | goal |');
console.log('|---|---|---|---|---|');
for (const [name, load] of selected) {
  try {
    for (const line of await (await load()).run()) console.log(line);
  } catch (error) {
    console.log(`| ${name} | failed: ${(error as Error).message.split('\n')[0]} | | | |`);
  }
}
