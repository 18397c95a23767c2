// The measured process of bench/local-follow-many.ts: follows the given jobs
// to their end, as an app built on runctl would. Plain JavaScript, so its
// memory is runctl's and not Node's TypeScript stripping.
// Usage: node follow-jobs.mjs <local root> <resourceId:jobId>...
import { createLocal } from '@runctl/local';

const [root, ...targets] = process.argv.slice(2);
const provider = createLocal({ root });
let lines = 0;
const started = performance.now();
// Under --expose-gc, a full collection each second reads the live heap: what is reachable, not what V8 keeps.
let liveHeapMiB;
const gc = globalThis.gc;
const heapProbe = gc && setInterval(() => {
  gc();
  liveHeapMiB = Math.max(liveHeapMiB ?? 0, process.memoryUsage().heapUsed / (1 << 20));
}, 1000);
await Promise.all(
  targets.map(async (target) => {
    const [resourceId, jobId] = target.split(':');
    for await (const event of provider.monitor(resourceId, { jobId })) if (event.type === 'log') lines++;
  }),
);
const seconds = (performance.now() - started) / 1000;
if (heapProbe) clearInterval(heapProbe);
console.log(JSON.stringify({ lines, seconds, liveHeapMiB }));
