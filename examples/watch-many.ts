// A sweep of many runs on one machine: start N jobs, follow all their logs
// at once with bounded memory, and watch resource status with one poll per
// provider per interval however many resources there are.
//   node --conditions=@runctl/source examples/watch-many.ts 20
import { parseMetrics, ResourceWatcher, type ResourceStatus } from '@runctl/core';
import { createLocal } from '@runctl/local';

const runs = Number(process.argv[2] ?? 8);
const provider = createLocal();
const watcher = new ResourceWatcher({ interval: 500 });
const states = new Map<string, string>();
watcher.on('change', (status: ResourceStatus) => states.set(status.id, status.state));

// One resource per run, as on a cloud where each run gets its own machine.
const resources = await Promise.all(Array.from({ length: runs }, (_, index) => provider.createResource('local', { name: `sweep-${index}`, maxLifetime: '1h' })));
for (const resource of resources) watcher.watch(provider, resource.id);

try {
  // A learning-rate sweep: each job prints a few metric lines.
  const jobs = await Promise.all(
    resources.map((resource, index) =>
      provider.train(resource.id, {
        name: `lr-${index}`,
        command: ['sh', '-c', 'lr=$1; for step in 1 2 3 4 5; do echo "step=$step lr=$lr loss=$(awk -v s=$step -v lr=$lr "BEGIN{print 1/(s*lr*100)}")"; sleep 0.1; done', 'sh', String(0.01 * (index + 1))],
      }),
    ),
  );

  // Follow every log concurrently; keep only the last loss of each run.
  const finalLoss = new Map<string, number>();
  await Promise.all(
    jobs.map(async (job) => {
      for await (const event of provider.monitor(job.resourceId, { jobId: job.jobId })) {
        if (event.type !== 'log') continue;
        const loss = parseMetrics(event.line)?.loss;
        if (loss !== undefined) finalLoss.set(job.name ?? job.jobId, loss);
      }
    }),
  );
  const best = [...finalLoss].sort((a, b) => a[1] - b[1])[0];
  console.log(`${runs} runs finished; best ${best?.[0]} with loss ${best?.[1]}`);
  await watcher.poll();
  console.log(`status: ${[...new Set(states.values())].join(', ')} (one listResources call per poll for all ${runs})`);
} finally {
  await Promise.all(resources.map((resource) => provider.terminate(resource.id)));
  await watcher.poll();
  console.log(`after terminate: ${[...new Set(states.values())].join(', ')}`);
  watcher.stop();
}
