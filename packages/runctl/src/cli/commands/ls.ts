import type { ResourceStatus } from '@runctl/core';
import type { Command } from '../context.ts';
import { age, money } from '../format.ts';
import { parseCommandArgs } from '../parse-args.ts';
import { formatRef } from '../resource-ref.ts';

export const lsCommand: Command = {
  name: 'ls',
  summary: 'list resources on every provider at once',
  usage: 'runctl ls [--provider p] [--all] [--json]',
  async run(argv, { output, registry, signal }) {
    const { values } = parseCommandArgs(argv, { all: { type: 'boolean' } });
    const filter = values.all ? {} : { managedOnly: true };
    let resources: ResourceStatus[];
    let failures: Array<{ provider: string; error: Error }> = [];
    if (values.provider !== undefined) {
      resources = await registry.get(values.provider).listResources(filter, { signal });
    } else {
      ({ resources, failures } = await output.spin('asking every provider', () => registry.listAllResources(filter, { signal })));
    }
    if (output.json) {
      output.data({ resources, failures: failures.map((failure) => ({ provider: failure.provider, error: failure.error.message })) });
      return failures.length > 0 && resources.length === 0 ? 1 : 0;
    }
    output.table(
      ['RESOURCE', 'NAME', 'STATE', 'TYPE', '$/H', 'AGE', 'EXPIRES'],
      resources.map((resource) => [
        formatRef(resource.provider, resource.id),
        resource.name,
        resource.state === resource.raw.toLowerCase() ? resource.state : `${resource.state} (${resource.raw})`,
        resource.instanceType,
        money(resource.costPerHour),
        age(resource.launchTime),
        resource.expiresAt ? resource.expiresAt.toISOString().replace(/\.\d+Z$/, 'Z') : '-',
      ]),
    );
    for (const failure of failures) output.note(output.red(`${failure.provider}: ${failure.error.message}`));
    return failures.length > 0 && resources.length === 0 ? 1 : 0;
  },
};
