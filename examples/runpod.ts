// Train the PyTorch example on a RunPod GPU pod. Needs a RunPod API key, and
// bills while the pod exists (an RTX 4090 is well under $1/h):
//
//   RUNPOD_API_KEY=... node --conditions=@runctl/source examples/runpod.ts
//   RUNPOD_API_KEY=... node --conditions=@runctl/source examples/runpod.ts --gpu A100-80GB
//   RUNPOD_API_KEY=... node --conditions=@runctl/source examples/runpod.ts --spot 0.30   # spot, bidding $0.30/GPU/h
//
// runctl registers its own SSH key with your account (generated once in
// ~/.runctl/keys), creates the pod, waits until it is reachable, syncs
// ./pytorch, streams the log, downloads checkpoints and metrics, and always
// terminates the pod at the end, even on Ctrl-C.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { accruedCost, type LogEvent } from '@runctl/core';
import { createRunpod } from '@runctl/runpod';

if (!process.env.RUNPOD_API_KEY) {
  console.error('Set RUNPOD_API_KEY (RunPod console → Settings → API Keys, read/write).');
  process.exit(2);
}

const { values } = parseArgs({ options: { gpu: { type: 'string', default: 'RTX4090' }, spot: { type: 'string' } } });
const gpu = values.gpu;
const bid = values.spot === undefined ? undefined : Number(values.spot);
const runpod = createRunpod();
const workdir = fileURLToPath(new URL('./pytorch/', import.meta.url));
const outDir = fileURLToPath(new URL('../.runpod-example/', import.meta.url));
const print = (event: LogEvent): void => {
  if (event.type === 'exit') console.log(`-> ${event.status.state} (${event.status.reason ?? 'no reason'}, exit ${event.status.exitCode ?? '?'})`);
  else if (!event.progress) console.log(`   ${event.line}`);
};

const estimate = await runpod.estimateCost(gpu, 1);
console.log(`${gpu} = ${estimate.gpuId}: $${estimate.costPerHour.toFixed(2)}/h on-demand (${estimate.source} price, ${Math.round(estimate.ageMs / 60_000)} min old)`);

// Ctrl-C aborts the create or the stream; the finally block still terminates the pod.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
const { signal } = controller;

const pod = await runpod.createResource(gpu, {
  name: 'runctl-example',
  maxLifetime: '1h',
  signal,
  ...(bid === undefined ? {} : { spot: true, bidPerGpu: bid }),
});
console.log(`created pod ${pod.id} (${pod.raw}); waiting for it to be reachable over SSH`);
try {
  const job = await runpod.train(pod.id, { command: ['python3', 'train.py', '--epochs', '20'], workdir, maxRuntime: '30m' }, { signal });
  for await (const event of runpod.monitor(pod.id, { jobId: job.jobId, signal })) print(event);
  const checkpoints = await runpod.download(pod.id, 'checkpoints', `${outDir}checkpoints`);
  const metrics = await runpod.download(pod.id, 'outputs/metrics.json', `${outDir}metrics.json`);
  console.log(`downloaded ${checkpoints.files + metrics.files} file(s) to ${outDir}`);
} finally {
  const status = await runpod.getResourceStatus(pod.id).catch(() => pod);
  await runpod.terminate(pod.id);
  console.log(`terminated ${pod.id}; it cost about $${accruedCost(status).toFixed(2)}`);
}
