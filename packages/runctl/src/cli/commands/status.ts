import { accruedCost } from '@runctl/core';
import type { Command } from '../context.ts';
import { age, money } from '../format.ts';
import { parseCommandArgs } from '../parse-args.ts';
import { formatRef, resolveResource } from '../resource-ref.ts';

export const statusCommand: Command = {
  name: 'status',
  summary: 'status of a resource (and of a job with --job)',
  usage: 'runctl status <provider:id> [--job job-id] [--json]',
  async run(argv, { output, registry, signal }) {
    const { values, positionals } = parseCommandArgs(argv, { job: { type: 'string' } });
    const { provider, id } = resolveResource(registry, positionals[0], values.provider);
    const resource = await provider.getResourceStatus(id, { signal });
    const job = values.job === undefined ? undefined : await provider.getJobStatus(id, values.job, { signal });
    if (output.json) {
      output.data(job === undefined ? { resource } : { resource, job });
      return 0;
    }
    output.line(`${output.bold(formatRef(provider.name, id))}  ${resource.state} (${resource.raw})${resource.message ? `: ${resource.message}` : ''}`);
    output.line(`  name ${resource.name}, type ${resource.instanceType}, ${money(resource.costPerHour)}/h, up ${age(resource.launchTime)}, spent ${money(accruedCost(resource))}`);
    if (resource.publicIp) output.line(`  address ${resource.publicIp}`);
    if (resource.expiresAt) output.line(`  expires ${resource.expiresAt.toISOString()}`);
    if (job !== undefined) {
      output.line(`  job ${job.jobId}: ${job.state}${job.exitCode === undefined ? '' : `, exit code ${job.exitCode}`}${job.reason ? ` (${job.reason})` : ''}`);
    }
    return 0;
  },
};
