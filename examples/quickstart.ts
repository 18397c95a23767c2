// Quickstart: train a small model on this machine, the same way you would on a GPU cloud.
// Run it with `pnpm quickstart`. Swap createLocal() for createRunpod(), createAws()…
// and nothing else changes.
import { fileURLToPath } from 'node:url';
import { accruedCost, parseMetrics, type Metrics } from '@runctl/core';
import { createLocal } from '@runctl/local';

const provider = createLocal();
const workdir = fileURLToPath(new URL('./train/', import.meta.url));
const outDir = fileURLToPath(new URL('../.quickstart/', import.meta.url));
const interactive = process.stdout.isTTY === true;

const resource = await provider.createResource('local', { name: 'quickstart', maxLifetime: '1h' });
console.log(`created ${resource.provider} resource ${resource.id} (${resource.state})`);
try {
  const job = await provider.train(resource.id, { script: 'train.mjs', workdir, args: ['--epochs', '8'], maxRuntime: '10m' });
  console.log(`started job ${job.jobId}\n`);

  const history: Metrics[] = [];
  let exitCode: number | undefined;
  for await (const event of provider.monitor(resource.id, { jobId: job.jobId })) {
    if (event.type === 'exit') {
      exitCode = event.status.exitCode;
      console.log(`\njob ${event.status.state} (exit code ${event.status.exitCode}, ${event.status.reason})`);
      continue;
    }
    if (event.progress || event.continued) {
      // Progress bars redraw in place on a terminal; elsewhere they would flood the log.
      if (interactive) process.stdout.write(`\r  ${event.line}`);
      continue;
    }
    if (event.line === '') continue;
    if (interactive) process.stdout.write('\r\x1b[K');
    const metrics = parseMetrics(event.line);
    if (metrics?.epoch !== undefined) history.push(metrics);
    console.log(`${event.stream === 'stderr' ? '!' : '>'} ${event.line}`);
  }

  const checkpoints = await provider.download(resource.id, 'checkpoints', `${outDir}checkpoints`);
  const metricsFile = await provider.download(resource.id, 'outputs/metrics.json', `${outDir}metrics.json`);
  console.log(`\ndownloaded ${checkpoints.files} checkpoint file(s) and metrics.json (${checkpoints.bytes + metricsFile.bytes} bytes) to ${outDir}`);
  console.log('loss by epoch:', history.map((metrics) => metrics.loss?.toFixed(3)).join(' → '));
  if (exitCode !== 0) process.exitCode = 1;
} finally {
  const status = await provider.getResourceStatus(resource.id);
  await provider.terminate(resource.id);
  const estimate = await provider.estimateCost('local', 1);
  console.log(`terminated ${resource.id}; it cost $${accruedCost(status).toFixed(2)} ($${estimate.costPerHour}/h, ${estimate.source})`);
}
