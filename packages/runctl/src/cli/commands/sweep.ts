import { parseDuration, sweepOrphans } from '@runctl/core';
import type { Command } from '../context.ts';
import { parseCommandArgs } from '../parse-args.ts';
import { formatRef } from '../resource-ref.ts';
import { usageError } from '../usage-error.ts';

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'terminate resources runctl created that are past runctl:expires-at (dry run unless --yes)',
  usage: 'runctl sweep [--older-than 12h] [--yes] [--json]',
  async run(argv, { output, registry, signal }) {
    const { values } = parseCommandArgs(argv, { 'older-than': { type: 'string' }, yes: { type: 'boolean', short: 'y' } });
    const olderThanMs = values['older-than'] === undefined ? undefined : parseDuration(values['older-than']);
    if (values['older-than'] !== undefined && olderThanMs === undefined) throw usageError(`--older-than: not a duration: ${values['older-than']}`);
    const dryRun = values.yes !== true;
    const result = await output.spin(dryRun ? 'looking for orphans' : 'sweeping', () =>
      sweepOrphans(registry, { dryRun, signal, ...(olderThanMs === undefined ? {} : { olderThanMs }) }),
    );
    if (output.json) {
      output.data({ dryRun, candidates: result.candidates, failures: result.failures.map((failure) => ({ provider: failure.provider, error: failure.error.message })) });
    } else {
      for (const candidate of result.candidates) {
        const ref = formatRef(candidate.resource.provider, candidate.resource.id);
        const outcome = dryRun ? 'would terminate' : candidate.terminated ? 'terminated' : `FAILED (${candidate.error})`;
        output.line(`${outcome} ${ref} (${candidate.resource.name}): ${candidate.reason}`);
      }
      if (result.candidates.length === 0) output.line('nothing to sweep');
      else if (dryRun) output.note(output.dim('dry run: pass --yes to terminate them'));
      for (const failure of result.failures) output.note(output.red(`${failure.provider}: not swept: ${failure.error.message}`));
    }
    return result.candidates.some((candidate) => candidate.terminated === false) ? 1 : 0;
  },
};
