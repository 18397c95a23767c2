// Follow 100 jobs at once, each printing ~10k lines/s, on the local provider:
// peak RSS and CPU of this process, vs 100 `tail -f` processes on the same logs.
// Run: node --conditions=@runctl/source bench/local-follow-many.ts [jobs] [seconds]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createLocal } from '@runctl/local';
import { row, sampleRss, withScratch } from './bench-utils.ts';

const JOBS = Number(process.argv[2] ?? 100);
const SECONDS = Number(process.argv[3] ?? 10);
// ~10k lines/s of training-style lines (~35 B): 1,000 at a time, then a 0.1 s pause.
const PRODUCER = ['sh', '-c', `i=0; end=$(( $(date +%s) + ${SECONDS} )); while [ $(date +%s) -lt $end ]; do awk -v s=$((i*1000)) 'BEGIN { for (j = s + 1; j <= s + 1000; j++) printf "step=%d loss=%.6f lr=0.0003\\n", j, 1 / j }'; i=$((i+1)); sleep 0.1; done`];
const TICKS = 100; // USER_HZ on Linux

function procStats(pid: number): { rssMiB: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return { rssMiB: rssKiB / 1024, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS };
}

export async function run(): Promise<string[]> {
  return withScratch(async (root) => {
    const provider = createLocal({ root });
    const resources = await Promise.all(Array.from({ length: JOBS }, () => provider.createResource('local')));
    const jobs = await Promise.all(resources.map((resource) => provider.train(resource.id, { command: PRODUCER }).then((job) => ({ resource, job }))));

    // Reference: tail -f on the same stdout files, in parallel with us.
    const tails: ChildProcess[] = jobs.map(({ resource, job }) =>
      spawn('tail', ['-c', '+1', '-F', `${root}/${resource.id}/.runctl/jobs/${job.jobId}/stdout`], { stdio: ['ignore', 'ignore', 'ignore'] }),
    );
    let tailPeakRss = 0;
    const tailSampler = setInterval(() => {
      tailPeakRss = Math.max(tailPeakRss, tails.reduce((sum, tail) => sum + procStats(tail.pid as number).rssMiB, 0));
    }, 200);

    const baseline = process.memoryUsage.rss() / (1 << 20);
    const rss = sampleRss(50);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let lines = 0;
    await Promise.all(
      jobs.map(async ({ resource, job }) => {
        for await (const event of provider.monitor(resource.id, { jobId: job.jobId })) if (event.type === 'log') lines++;
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const ourPeak = rss.stop();
    clearInterval(tailSampler);
    const tailCpu = tails.reduce((sum, tail) => sum + procStats(tail.pid as number).cpuSeconds, 0);
    for (const tail of tails) tail.kill();
    await Promise.all(resources.map((resource) => provider.terminate(resource.id)));
    const ourCpu = (cpu.user + cpu.system) / 1e6;
    return [
      row([
        `follow ${JOBS} jobs × ~10k lines/s for ${SECONDS} s (${Math.round(lines / elapsed).toLocaleString('en')} lines/s delivered)`,
        `${JOBS} × tail -F: ${tailPeakRss.toFixed(0)} MiB total RSS, ${tailCpu.toFixed(1)} CPU-s`,
        `one monitor process: ${ourPeak.toFixed(0)} MiB peak RSS (${(ourPeak - baseline).toFixed(0)} above its ${baseline.toFixed(0)} MiB baseline), ${ourCpu.toFixed(1)} CPU-s`,
        `${(ourPeak / tailPeakRss).toFixed(2)}× RSS, ${(ourCpu / Math.max(tailCpu, 0.01)).toFixed(1)}× CPU`,
        '< 200 MB',
      ]),
    ];
  });
}

if (import.meta.main) for (const line of await run()) console.log(line);
