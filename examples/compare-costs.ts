// Price one GPU across every provider at once, cheapest first.
// Works with no credentials: each provider falls back to its bundled price
// table and says so (source "bundled" and its age). With keys set, prices are live.
//   node --conditions=@runctl/source examples/compare-costs.ts A100-80GB 2 10
import { compareCosts, findGpu, formatDuration, ProviderRegistry } from '@runctl/core';
import { createAws } from '@runctl/aws';
import { createLyceum } from '@runctl/lyceum';
import { createRunpod } from '@runctl/runpod';

const [gpu = 'A100-80GB', count = '1', hours = '10'] = process.argv.slice(2);
if (findGpu(gpu) === undefined) {
  console.error(`unknown GPU ${gpu}; try A100-80GB, H100-SXM, L40S, RTX4090…`);
  process.exit(2);
}

// Live prices need credentials; without them each provider answers from its bundled table.
const registry = new ProviderRegistry([createRunpod(), createAws({ region: process.env.AWS_REGION ?? 'us-east-1' }), createLyceum()]);
const { gpu: name, rows, failures } = await compareCosts(registry, { gpu, count: Number(count), hours: Number(hours) });

console.log(`${name} × ${count} for ${hours} h`);
for (const row of rows) {
  const spot = row.spotCostPerHour === undefined ? '' : `  (spot $${row.spotCostPerHour.toFixed(2)}/h)`;
  console.log(
    `${row.provider.padEnd(7)} ${row.instanceType.padEnd(24)} ${String(row.gpus).padStart(2)} GPU  $${row.costPerHour.toFixed(2).padStart(6)}/h  $${row.total.toFixed(2).padStart(8)} total${spot}  [${row.source}, ${formatDuration(row.ageMs)} old]`,
  );
}
for (const failure of failures) console.log(`${failure.provider}: ${failure.error.message}`);
for (const provider of registry.list()) (provider as { close?: () => unknown }).close?.();
