import type { Command } from '../context.ts';
import { parseCommandArgs } from '../parse-args.ts';
import { formatRef, resolveResource } from '../resource-ref.ts';
import { usageError } from '../usage-error.ts';

export const terminateCommand: Command = {
  name: 'terminate',
  summary: 'terminate resources (safe to repeat)',
  usage: 'runctl terminate <provider:id>... [--json]',
  async run(argv, { output, registry, signal }) {
    const { values, positionals } = parseCommandArgs(argv, {});
    if (positionals.length === 0) throw usageError('Missing the resource (provider:id).');
    const refs = positionals.map((text) => resolveResource(registry, text, values.provider));
    for (const { provider, id } of refs) {
      await output.spin(`terminating ${formatRef(provider.name, id)}`, () => provider.terminate(id, { signal }));
      if (!output.json) output.line(`terminated ${formatRef(provider.name, id)}`);
    }
    if (output.json) output.data(refs.map(({ provider, id }) => ({ provider: provider.name, id, terminated: true })));
    return 0;
  },
};
