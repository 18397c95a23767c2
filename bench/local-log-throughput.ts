// monitor() on a 1M-line job vs reading the same program's stdout through a pipe.
// Run: node --conditions=@runctl/source bench/local-log-throughput.ts
import { createLocal } from '@runctl/local';
import { median, readPipe, row, withScratch } from './bench-utils.ts';

const LINES = 1_000_000;
const PROGRAMS: Array<[string, string[]]> = [
  ['seq (7 B lines, no work per line)', ['seq', '1', String(LINES)]],
  ['python3 training-style lines (~40 B)', ['python3', '-c', `import sys\nw = sys.stdout.write\nfor i in range(${LINES}): w(f"step={i} loss={1/(i+1):.6f} lr=0.0003\\n")`]],
];
const ROUNDS = 3;

export async function run(): Promise<string[]> {
  return withScratch(async (root) => {
    const provider = createLocal({ root });
    const resource = await provider.createResource('local');
    const rows: string[] = [];
    for (const [label, argv] of PROGRAMS) {
      const pipeMs: number[] = [];
      const oursMs: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const pipe = await readPipe(argv);
        if (pipe.lines !== LINES) throw new Error(`pipe read ${pipe.lines} lines`);
        pipeMs.push(pipe.ms);
        const started = performance.now();
        const job = await provider.train(resource.id, { command: argv });
        let lines = 0;
        for await (const event of provider.monitor(resource.id, { jobId: job.jobId })) if (event.type === 'log') lines++;
        if (lines !== LINES) throw new Error(`monitor read ${lines} lines`);
        oursMs.push(performance.now() - started);
      }
      const pipe = median(pipeMs);
      const ours = median(oursMs);
      rows.push(row([`log throughput, ${label}`, `pipe ${(pipe / 1000).toFixed(2)} s (${Math.round(LINES / (pipe / 1000)).toLocaleString('en')} lines/s)`, `monitor ${(ours / 1000).toFixed(2)} s (${Math.round(LINES / (ours / 1000)).toLocaleString('en')} lines/s)`, `${(pipe / ours).toFixed(2)}×`, '≥ 0.5×']));
    }
    await provider.terminate(resource.id);
    return rows;
  });
}

if (import.meta.main) for (const line of await run()) console.log(line);
