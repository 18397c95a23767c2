// Peak RSS while the consumer is 10× slower than the producer: the reader must
// slow down (backpressure), not buffer. Reference: the same consumer on a pipe.
// Run: node --conditions=@runctl/source bench/local-slow-consumer.ts
import { setTimeout as sleep } from 'node:timers/promises';
import { createLocal } from '@runctl/local';
import { readPipe, row, sampleRss, withScratch } from './bench-utils.ts';

const LINES = 2_000_000;
const PROGRAM = ['seq', '1', String(LINES)];
// The producer writes ~2M lines/s; 1 ms per 5,000 lines consumes at ~... measured below.
const SLOW_EVERY = 5_000;

export async function run(): Promise<string[]> {
  return withScratch(async (root) => {
    const provider = createLocal({ root });
    const resource = await provider.createResource('local');
    const fast = await readPipe(PROGRAM);
    // Pace the consumer at a tenth of the producer's raw rate.
    const targetMsPerBatch = (fast.ms / LINES) * SLOW_EVERY * 10;
    let counted = 0;
    const slow = async (): Promise<void> => {
      if (++counted % SLOW_EVERY === 0) await sleep(targetMsPerBatch);
    };
    const baseline = process.memoryUsage.rss() / (1 << 20);

    counted = 0;
    const pipeRss = sampleRss();
    const pipe = await readPipe(PROGRAM, slow);
    const pipePeak = pipeRss.stop();

    counted = 0;
    const oursRss = sampleRss();
    const started = performance.now();
    const job = await provider.train(resource.id, { command: PROGRAM });
    for await (const event of provider.monitor(resource.id, { jobId: job.jobId })) if (event.type === 'log') await slow();
    const oursMs = performance.now() - started;
    const oursPeak = oursRss.stop();
    await provider.terminate(resource.id);
    return [
      row([
        `slow consumer (10× slower than ${Math.round(LINES / (fast.ms / 1000)).toLocaleString('en')} lines/s), peak RSS`,
        `pipe ${pipePeak.toFixed(0)} MiB in ${(pipe.ms / 1000).toFixed(1)} s`,
        `monitor ${oursPeak.toFixed(0)} MiB in ${(oursMs / 1000).toFixed(1)} s (process baseline ${baseline.toFixed(0)} MiB)`,
        `${(oursPeak - baseline).toFixed(0)} MiB above baseline`,
        '< 100 MiB',
      ]),
    ];
  });
}

if (import.meta.main) for (const line of await run()) console.log(line);
