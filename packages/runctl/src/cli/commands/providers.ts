import type { Command } from '../context.ts';
import { parseCommandArgs } from '../parse-args.ts';

export const providersCommand: Command = {
  name: 'providers',
  summary: 'which providers are configured, and why or why not',
  usage: 'runctl providers [--json]',
  async run(argv, { output, registry }) {
    parseCommandArgs(argv, {});
    if (output.json) {
      output.data(registry.availability);
      return 0;
    }
    output.table(
      ['PROVIDER', 'AVAILABLE', 'WHY'],
      registry.availability.map((entry) => [entry.provider, entry.available ? output.green('yes') : 'no', entry.reason]),
    );
    return 0;
  },
};
