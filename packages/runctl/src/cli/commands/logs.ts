import { RunctlError } from '@runctl/core';
import type { Command } from '../context.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { parseCommandArgs } from '../parse-args.ts';
import { formatRef, resolveResource } from '../resource-ref.ts';
import { describeEnd, exitCodeOf, printLogEvents } from '../stream-log.ts';

export const logsCommand: Command = {
  name: 'logs',
  summary: "a job's logs; -f follows until it ends; --cursor resumes exactly",
  usage: 'runctl logs <provider:id> [--job job-id] [-f] [--cursor c] [--json]',
  async run(argv, { output, registry, signal }) {
    const { values, positionals } = parseCommandArgs(argv, {
      job: { type: 'string', short: 'j' },
      follow: { type: 'boolean', short: 'f' },
      cursor: { type: 'string' },
    });
    const { provider, id } = resolveResource(registry, positionals[0], values.provider);
    let cursor = values.cursor;
    try {
      const status = await printLogEvents(
        provider.monitor(id, { follow: values.follow === true, signal, ...(values.job ? { jobId: values.job } : {}), ...(cursor ? { cursor } : {}) }),
        output,
        (next) => void (cursor = next),
      );
      if (status !== undefined) {
        if (!output.json) output.note(describeEnd(status));
        return values.follow ? exitCodeOf(status) : 0;
      }
      if (!output.json && cursor) output.note(output.dim(`resume: runctl logs ${formatRef(provider.name, id)} -f --cursor ${cursor}`));
      return 0;
    } catch (error) {
      if (!signal.aborted || !RunctlError.hasCode(error, 'ABORTED')) throw error;
      output.note(`\nstopped following; resume: runctl logs ${formatRef(provider.name, id)} -f${cursor ? ` --cursor ${cursor}` : ''}`);
      return EXIT_CODES.interrupted;
    }
  },
};
