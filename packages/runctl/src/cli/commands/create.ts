import { parseDuration } from '@runctl/core';
import type { Command } from '../context.ts';
import { keyValues, money } from '../format.ts';
import { parseCommandArgs } from '../parse-args.ts';
import { formatRef } from '../resource-ref.ts';
import { usageError } from '../usage-error.ts';

export const createCommand: Command = {
  name: 'create',
  summary: 'create a resource',
  usage: 'runctl create <instance-type> [--provider p] [--name n] [--spot] [--max-lifetime 3h] [--tag k=v]... [--json]',
  async run(argv, { output, registry }) {
    const { values, positionals } = parseCommandArgs(argv, {
      name: { type: 'string' },
      spot: { type: 'boolean' },
      'max-lifetime': { type: 'string' },
      tag: { type: 'string', multiple: true },
    });
    const instanceType = positionals[0];
    if (instanceType === undefined) throw usageError('Missing the instance type.', `Usage: ${createCommand.usage}`);
    const provider = registry.get(values.provider ?? 'local');
    const maxLifetime = values['max-lifetime'];
    if (maxLifetime !== undefined && parseDuration(maxLifetime) === undefined) throw usageError(`--max-lifetime: not a duration: ${maxLifetime}`);
    const resource = await output.spin(`creating ${instanceType} on ${provider.name}`, () =>
      provider.createResource(instanceType, {
        ...(values.name ? { name: values.name } : {}),
        ...(values.spot ? { spot: true } : {}),
        ...(maxLifetime ? { maxLifetime } : {}),
        ...(values.tag ? { tags: keyValues(values.tag, 'tag') } : {}),
      }),
    );
    if (output.json) output.data(resource);
    else output.line(`${formatRef(provider.name, resource.id)}  ${resource.state}  ${resource.instanceType}  ${money(resource.costPerHour)}/h`);
    return 0;
  },
};
