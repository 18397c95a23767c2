// Follow 100 jobs at once, each printing ~10k lines/s, on the local provider:
// peak RSS and CPU of one following process, vs 100 `tail -F` processes on the
// same logs. Both are sampled from /proc the same way. The follower runs with
// Node's defaults and again with a smaller young generation (see docs/benchmarks.md).
// Run: node --conditions=@runctl/source bench/local-follow-many.ts [jobs] [seconds]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLocal } from '@runctl/local';
import { row, withScratch } from './bench-utils.ts';

const JOBS = Number(process.argv[2] ?? 100);
const SECONDS = Number(process.argv[3] ?? 10);
// ~10k lines/s of training-style lines (~35 B): 1,000 at a time, then a 0.1 s pause.
const PRODUCER = ['sh', '-c', `i=0; end=$(( $(date +%s) + ${SECONDS} )); while [ $(date +%s) -lt $end ]; do awk -v s=$((i*1000)) 'BEGIN { for (j = s + 1; j <= s + 1000; j++) printf "step=%d loss=%.6f lr=0.0003\\n", j, 1 / j }'; i=$((i+1)); sleep 0.1; done`];
const FOLLOWER = fileURLToPath(new URL('./follow-jobs.mjs', import.meta.url));
const TICKS = 100; // USER_HZ on Linux
/**
 * Node flags of each run of the follower: the defaults; a young generation
 * capped at 8 MiB per semi-space; and a full GC each second to read the live heap.
 */
const VARIANTS: string[][] = [[], ['--max-semi-space-size=8'], ['--expose-gc']];

function procStats(pid: number): { rssMiB: number; cpuSeconds: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return { rssMiB: rssKiB / 1024, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS };
  } catch {
    return { rssMiB: 0, cpuSeconds: 0 }; // exited between samples
  }
}

/** Peak total RSS and last CPU time of some processes, sampled every 50 ms until `stop()`. */
function sampleProcesses(pids: () => number[]): { stop(): { peakMiB: number; cpuSeconds: number } } {
  let peakMiB = 0;
  let cpuSeconds = 0;
  const sample = (): void => {
    const stats = pids().map(procStats);
    peakMiB = Math.max(peakMiB, stats.reduce((sum, stat) => sum + stat.rssMiB, 0));
    cpuSeconds = Math.max(cpuSeconds, stats.reduce((sum, stat) => sum + stat.cpuSeconds, 0));
  };
  const timer = setInterval(sample, 50);
  return {
    stop() {
      clearInterval(timer);
      return { peakMiB, cpuSeconds };
    },
  };
}

async function followOnce(flags: string[]): Promise<string> {
  return withScratch(async (root) => {
    const provider = createLocal({ root });
    const resources = await Promise.all(Array.from({ length: JOBS }, () => provider.createResource('local')));
    const jobs = await Promise.all(resources.map((resource) => provider.train(resource.id, { command: PRODUCER }).then((job) => ({ resource, job }))));
    try {
      const tails: ChildProcess[] = jobs.map(({ resource, job }) =>
        spawn('tail', ['-c', '+1', '-F', `${root}/${resource.id}/.runctl/jobs/${job.jobId}/stdout`], { stdio: ['ignore', 'ignore', 'ignore'] }),
      );
      // Inherit --conditions, so a run from sources follows with sources too.
      const conditions = process.execArgv.filter((arg) => arg.startsWith('--conditions'));
      const follower = spawn(process.execPath, [...conditions, ...flags, FOLLOWER, root, ...jobs.map(({ resource, job }) => `${resource.id}:${job.jobId}`)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const ours = sampleProcesses(() => [follower.pid as number]);
      const theirs = sampleProcesses(() => tails.map((tail) => tail.pid as number));
      let output = '';
      follower.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
      const code = await new Promise<number | null>((done) => follower.on('close', done));
      const mine = ours.stop();
      const reference = theirs.stop();
      for (const tail of tails) tail.kill();
      if (code !== 0) throw new Error(`follower exited with ${code}`);
      const { lines, seconds, liveHeapMiB } = JSON.parse(output) as { lines: number; seconds: number; liveHeapMiB?: number };
      const label = flags.length === 0 ? 'Node defaults' : flags.join(' ');
      return row([
        `follow ${JOBS} jobs × ~10k lines/s for ${SECONDS} s, one process (${label}); ${Math.round(lines / seconds).toLocaleString('en')} lines/s delivered`,
        `${JOBS} × tail -F: ${reference.peakMiB.toFixed(0)} MiB total RSS, ${reference.cpuSeconds.toFixed(1)} CPU-s`,
        `${mine.peakMiB.toFixed(0)} MiB peak RSS, ${mine.cpuSeconds.toFixed(1)} CPU-s${liveHeapMiB === undefined ? '' : `; live heap ≤ ${liveHeapMiB.toFixed(0)} MiB`}`,
        `${(mine.peakMiB / reference.peakMiB).toFixed(2)}× RSS`,
        '< 200 MB',
      ]);
    } finally {
      await Promise.all(resources.map((resource) => provider.terminate(resource.id)));
    }
  });
}

export async function run(): Promise<string[]> {
  const rows: string[] = [];
  for (const flags of VARIANTS) rows.push(await followOnce(flags));
  return rows;
}

if (import.meta.main) for (const line of await run()) console.log(line);
