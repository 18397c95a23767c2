import { compareCosts } from '@runctl/core';
import type { Command } from '../context.ts';
import { age, money } from '../format.ts';
import { parseCommandArgs } from '../parse-args.ts';
import { usageError } from '../usage-error.ts';

export const costCommand: Command = {
  name: 'cost',
  summary: 'estimate a cost, or compare a GPU across providers',
  usage: ['runctl cost estimate <instance-type> [--provider p] [--hours 1] [--json]', 'runctl cost compare --gpu A100-80GB [--count 1] [--hours 1] [--spot] [--json]'].join('\n'),
  async run(argv, { output, registry, signal }) {
    const [action, ...rest] = argv;
    const { values, positionals } = parseCommandArgs(rest, {
      hours: { type: 'string' },
      gpu: { type: 'string' },
      count: { type: 'string' },
      spot: { type: 'boolean' },
    });
    const hours = number(values.hours, 'hours', 1);
    if (action === 'estimate') {
      const instanceType = positionals[0];
      if (instanceType === undefined) throw usageError('Missing the instance type.', `Usage: ${costCommand.usage.split('\n')[0]}`);
      const estimate = await registry.get(values.provider ?? 'local').estimateCost(instanceType, hours, { signal });
      if (output.json) output.data(estimate);
      else output.line(`${estimate.provider} ${estimate.instanceType}: ${money(estimate.costPerHour)}/h × ${hours} h = ${money(estimate.total)}${estimate.spotCostPerHour === undefined ? '' : ` (spot ${money(estimate.spotCostPerHour)}/h)`}  [${estimate.source}, ${age(estimate.asOf)} old]`);
      return 0;
    }
    if (action === 'compare') {
      if (values.gpu === undefined) throw usageError('Missing --gpu.', `Usage: ${costCommand.usage.split('\n')[1]}`);
      const comparison = await output.spin(`pricing ${values.gpu}`, () =>
        compareCosts(registry, { gpu: values.gpu as string, count: number(values.count, 'count', 1), hours, spot: values.spot === true }, { signal }),
      );
      if (output.json) {
        output.data({ ...comparison, failures: comparison.failures.map((failure) => ({ provider: failure.provider, error: failure.error.message })) });
        return 0;
      }
      output.table(
        ['PROVIDER', 'INSTANCE TYPE', 'GPUS', '$/H', `TOTAL (${hours} h)`, 'SPOT $/H', 'SOURCE', 'AGE'],
        comparison.rows.map((row) => [row.provider, row.instanceType, String(row.gpus), money(row.costPerHour), money(row.total), row.spotCostPerHour === undefined ? '-' : money(row.spotCostPerHour), row.source, age(new Date(Date.now() - row.ageMs))]),
      );
      for (const failure of comparison.failures) output.note(output.red(`${failure.provider}: ${failure.error.message}`));
      if (comparison.rows.length === 0) output.note(`no configured provider offers ${comparison.gpu}; see runctl providers`);
      return 0;
    }
    throw usageError(action === undefined ? 'Missing estimate or compare.' : `Unknown cost action ${action}.`, `Usage:\n${costCommand.usage}`);
  },
};

function number(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw usageError(`--${flag}: not a number: ${text}`);
  return value;
}
