// Time from train() to the first log event, vs spawn-to-first-line of the same command.
// Run: node --conditions=@runctl/source bench/local-first-log-latency.ts
import { createLocal } from '@runctl/local';
import { median, percentile, readPipe, row, withScratch } from './bench-utils.ts';

const ROUNDS = 20;
const PROGRAM = ['sh', '-c', 'echo ready; sleep 0.2'];

export async function run(): Promise<string[]> {
  return withScratch(async (root) => {
    const provider = createLocal({ root });
    const resource = await provider.createResource('local');
    const spawnMs: number[] = [];
    const oursMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      spawnMs.push((await readPipe(PROGRAM)).firstLineMs);
      const started = performance.now();
      const job = await provider.train(resource.id, { command: PROGRAM });
      for await (const event of provider.monitor(resource.id, { jobId: job.jobId })) {
        if (event.type === 'log') {
          oursMs.push(performance.now() - started);
          break;
        }
      }
      await provider.cancelJob(resource.id, job.jobId);
    }
    await provider.terminate(resource.id);
    const overhead = median(oursMs) - median(spawnMs);
    return [
      row([
        `first-log latency (median of ${ROUNDS})`,
        `spawn→first line ${median(spawnMs).toFixed(1)} ms (p95 ${percentile(spawnMs, 95).toFixed(1)})`,
        `train()→first event ${median(oursMs).toFixed(1)} ms (p95 ${percentile(oursMs, 95).toFixed(1)})`,
        `+${overhead.toFixed(1)} ms`,
        '< 50 ms overhead',
      ]),
    ];
  });
}

if (import.meta.main) for (const line of await run()) console.log(line);
