import { existsSync, statSync } from 'node:fs';
import { RunctlError, parseDuration, type TrainingJob, type TrainingProvider } from '@runctl/core';
import type { Command, CommandContext } from '../context.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { keyValues } from '../format.ts';
import { parseCommandArgs } from '../parse-args.ts';
import { formatRef, resolveResource } from '../resource-ref.ts';
import { describeEnd, exitCodeOf, printLogEvents } from '../stream-log.ts';
import { usageError } from '../usage-error.ts';

export const trainCommand: Command = {
  name: 'train',
  summary: 'start a job (creating a resource when none is given)',
  usage: [
    'runctl train [--provider p | --resource provider:id] [options] <script | command...> [-- args...]',
    '  --instance-type t   when creating (default: local for the local provider)',
    '  --name n            job name       --workdir dir      sync this folder (honours .gitignore)',
    '  --env K=V           repeatable     --secret K         pass $K from this shell as a secret',
    '  --data path|url     dataSource     --output path|url  outputDest      --checkpoint-dir dir',
    '  --max-runtime 2h    hard limit     --max-lifetime 3h  for a resource train creates',
    '  -f, --follow        stream logs and exit with the job\'s exit code (Ctrl-C detaches)',
    '  --rm                with --follow: terminate the resource train created once the job ends',
  ].join('\n'),
  async run(argv, context) {
    const { output, registry, env } = context;
    const { values, positionals, passthrough } = parseCommandArgs(argv, {
      resource: { type: 'string', short: 'r' },
      'instance-type': { type: 'string' },
      name: { type: 'string' },
      workdir: { type: 'string' },
      env: { type: 'string', multiple: true },
      secret: { type: 'string', multiple: true },
      data: { type: 'string' },
      output: { type: 'string' },
      'checkpoint-dir': { type: 'string' },
      'max-runtime': { type: 'string' },
      'max-lifetime': { type: 'string' },
      follow: { type: 'boolean', short: 'f' },
      rm: { type: 'boolean' },
    }, { stopAtCommand: true });
    if (positionals.length === 0) throw usageError('Missing the script or command to run.', `Usage: ${trainCommand.usage.split('\n')[0]}`);
    for (const flag of ['max-runtime', 'max-lifetime'] as const) {
      const value = values[flag];
      if (value !== undefined && parseDuration(value) === undefined) throw usageError(`--${flag}: not a duration: ${value}`, "Use e.g. '90s', '45m' or '2h'.");
    }
    const secrets: Record<string, string> = {};
    for (const name of values.secret ?? []) {
      const value = env[name];
      if (value === undefined) throw usageError(`--secret ${name}: $${name} is not set in this shell.`);
      secrets[name] = value;
    }
    const job = buildJob(positionals, passthrough, values, secrets);

    let provider: TrainingProvider;
    let resourceId: string;
    let created = false;
    if (values.resource !== undefined) {
      ({ provider, id: resourceId } = resolveResource(registry, values.resource, values.provider));
    } else {
      provider = registry.get(values.provider ?? 'local');
      const instanceType = values['instance-type'] ?? (provider.name === 'local' ? 'local' : undefined);
      if (instanceType === undefined) throw usageError('Pass --resource, or --instance-type to create one.');
      const resource = await output.spin(`creating ${instanceType} on ${provider.name}`, () =>
        provider.createResource(instanceType, { ...(values['max-lifetime'] ? { maxLifetime: values['max-lifetime'] } : {}), ...(values.name ? { name: values.name } : {}) }),
      );
      resourceId = resource.id;
      created = true;
      output.note(`created ${formatRef(provider.name, resourceId)}`);
    }
    const ref = formatRef(provider.name, resourceId);
    const handle = await output.spin(`starting the job on ${ref}`, () => provider.train(resourceId, job, { signal: context.signal }));

    if (!values.follow) {
      if (output.json) output.data({ ...handle, resource: ref });
      else {
        output.line(`started job ${handle.jobId} on ${ref}`);
        output.note(output.dim(`follow it: runctl logs ${ref} --job ${handle.jobId} -f`));
      }
      return 0;
    }
    return follow(context, provider, resourceId, handle.jobId, created && values.rm === true);
  },
};

function buildJob(positionals: string[], args: string[], values: Record<string, unknown>, secrets: Record<string, string>): TrainingJob {
  const [first, ...rest] = positionals as [string, ...string[]];
  const workdir = values.workdir as string | undefined;
  const asScript = rest.length === 0 && existsSync(workdir ? `${workdir}/${first}` : first) && statSync(workdir ? `${workdir}/${first}` : first).isFile();
  const job: TrainingJob = asScript ? { script: first } : { command: [first, ...rest] };
  if (args.length > 0) job.args = args;
  if (workdir) job.workdir = workdir;
  if (values.name) job.name = values.name as string;
  if (values.env) job.environment = keyValues(values.env as string[], 'env');
  if (Object.keys(secrets).length > 0) job.secrets = secrets;
  if (values.data) job.dataSource = values.data as string;
  if (values.output) job.outputDest = values.output as string;
  if (values['checkpoint-dir']) job.checkpointDir = values['checkpoint-dir'] as string;
  if (values['max-runtime']) job.maxRuntime = values['max-runtime'] as string;
  return job;
}

async function follow(context: CommandContext, provider: TrainingProvider, resourceId: string, jobId: string, removeAfter: boolean): Promise<number> {
  const { output, signal } = context;
  const ref = formatRef(provider.name, resourceId);
  let cursor: string | undefined;
  try {
    const status = await printLogEvents(provider.monitor(resourceId, { jobId, signal }), output, (next) => void (cursor = next));
    if (status === undefined) return EXIT_CODES.failure;
    if (!output.json) output.note(describeEnd(status));
    if (removeAfter) {
      await provider.terminate(resourceId);
      output.note(`terminated ${ref}`);
    }
    return exitCodeOf(status);
  } catch (error) {
    if (!signal.aborted || !RunctlError.hasCode(error, 'ABORTED')) throw error;
    // Ctrl-C detaches: the job keeps running on the machine.
    output.note(`\ndetached; job ${jobId} keeps running on ${ref}.`);
    output.note(`reattach: runctl logs ${ref} --job ${jobId} -f${cursor ? ` --cursor ${cursor}` : ''}`);
    return EXIT_CODES.interrupted;
  }
}
