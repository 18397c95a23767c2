import { readFile, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, relative, resolve } from 'node:path';
import { InvalidInputError, type ParsedTrainingJob } from '@runctl/core';
import { MAX_RUN_TIMEOUT_MS } from '../lyceum-settings.ts';
import { dockerRunEnv } from './docker-env.ts';
import { readWorkdirBundle } from './import-files.ts';
import { pythonCommandCode, pythonScriptCode } from './python-code.ts';
import type { RunResource } from './run-resource-id.ts';

/** A run, ready to be posted. */
export interface RunSubmission {
  kind: 'python' | 'image';
  /** Path below the API base. */
  path: 'execution/streaming/start' | 'execution/image/start';
  body: Record<string, unknown>;
  /** Lyceum body fields → runctl inputs, for 422 messages. */
  fields: Readonly<Record<string, string>>;
}

const COMMON_FIELDS = { timeout: 'job.maxRuntime', execution_type: 'instanceType', file_name: 'job.name' } as const;

/**
 * Turns a job into a run request:
 * - `script` (a `.py` file) → a Python run (`/execution/streaming/start`):
 *   the script's code with `sys.argv` and `environment` set in front, the
 *   workdir as `import_files`, its `requirements.txt` as requirements;
 * - `command` on a resource with an image → a Docker run
 *   (`/execution/image/start`) with env as `K=V` lines;
 * - `command` without an image → a Python run that executes the argv.
 */
export async function buildRunSubmission(job: ParsedTrainingJob, resource: RunResource, options: { provider: string; defaultTimeoutMs: number }): Promise<RunSubmission> {
  const { provider } = options;
  const timeout = runTimeoutSeconds(job.maxRuntime, options.defaultTimeoutMs, provider);
  for (const field of ['dataSource', 'outputDest', 'checkpointDir'] as const) {
    if (job[field] !== undefined) {
      throw new InvalidInputError({
        field: `job.${field}`,
        provider,
        message: `Invalid job.${field}: Lyceum run mode has no place for it; runs read and write the account bucket (mounted at /mnt/s3).`,
        hint: 'Upload data to the bucket and read it from the job, download outputs with download(), or use VM mode.',
      });
    }
  }
  const common = { execution_type: resource.executionType, timeout };
  const args = job.args ?? [];

  if (job.command !== undefined && resource.image !== undefined) {
    if (job.workdir !== undefined) {
      throw new InvalidInputError({ field: 'job.workdir', provider, message: 'Invalid job.workdir: Docker runs cannot carry files; build them into the image, or run a Python script instead.' });
    }
    const env = dockerRunEnv([{ field: 'job.environment', values: { PYTHONUNBUFFERED: '1', ...job.environment } }, { field: 'job.secrets', values: job.secrets ?? {} }], provider);
    return {
      kind: 'image',
      path: 'execution/image/start',
      fields: { ...COMMON_FIELDS, docker_image_ref: 'options.image', docker_run_cmd: 'job.command', docker_run_env: 'job.environment' },
      body: { ...common, docker_image_ref: resource.image, docker_run_cmd: commandArgv(job.command, args), docker_run_env: env, enable_s3_mount: true, file_name: job.name ?? null },
    };
  }

  if (job.secrets !== undefined && Object.keys(job.secrets).length > 0) {
    throw new InvalidInputError({
      field: 'job.secrets',
      provider,
      message: 'Invalid job.secrets: Lyceum Python runs have no environment channel, so secrets would travel inside the stored code.',
      hint: 'Give the resource a Docker image (createResource(..., { image })) and run a command, or use VM mode.',
    });
  }
  const environment = job.environment ?? {};
  const workdir = job.workdir === undefined ? undefined : resolve(job.workdir);
  if (workdir !== undefined && !(await stat(workdir).catch(() => undefined))?.isDirectory()) {
    throw new InvalidInputError({ field: 'job.workdir', provider, message: `Invalid job.workdir: ${job.workdir} is not a folder on this machine.` });
  }
  const bundle = workdir === undefined ? { files: {}, requirements: undefined } : await readWorkdirBundle(workdir, provider);
  let code: string;
  let fileName: string;
  if (job.script !== undefined) {
    const local = resolve(workdir ?? '.', job.script);
    if (extname(local).toLowerCase() !== '.py') {
      throw new InvalidInputError({ field: 'job.script', provider, message: `Invalid job.script: Lyceum runs execute Python; ${job.script} is not a .py file. Use command for anything else.` });
    }
    const source = await readFile(local, 'utf8').catch(() => undefined);
    if (source === undefined) throw new InvalidInputError({ field: 'job.script', provider, message: `Invalid job.script: ${job.script} is not a readable file${job.workdir ? ` in ${job.workdir}` : ''}.` });
    const inside = workdir === undefined ? undefined : relative(workdir, local);
    fileName = inside !== undefined && !inside.startsWith('..') && !isAbsolute(inside) ? inside.split('\\').join('/') : basename(local);
    code = pythonScriptCode(source, fileName, { argv: [fileName, ...args], environment });
  } else {
    fileName = `${job.name ?? 'command'}.py`;
    code = pythonCommandCode(commandArgv(job.command as string | readonly string[], args), { argv: [fileName], environment });
  }
  return {
    kind: 'python',
    path: 'execution/streaming/start',
    fields: { ...COMMON_FIELDS, code: 'job.script', import_files: 'job.workdir', requirements_content: 'job.workdir' },
    body: {
      ...common,
      code,
      nbcode: 0,
      file_name: fileName,
      requirements_content: bundle.requirements ?? null,
      import_files: Object.keys(bundle.files).length > 0 ? JSON.stringify(bundle.files) : null,
    },
  };
}

/** `timeout` in seconds; Lyceum stops every run at 600 s, so longer jobs belong on a VM. */
export function runTimeoutSeconds(maxRuntimeMs: number | undefined, defaultMs: number, provider?: string): number {
  if (maxRuntimeMs !== undefined && maxRuntimeMs > MAX_RUN_TIMEOUT_MS) {
    throw new InvalidInputError({
      field: 'job.maxRuntime',
      provider,
      message: `Invalid job.maxRuntime: Lyceum run mode stops every run after at most 600 s, and this job asks for ${Math.ceil(maxRuntimeMs / 1000)} s. Use VM mode for longer jobs: create the resource with a hardware profile such as 'a100' instead of 'run:…'.`,
    });
  }
  return Math.max(1, Math.ceil((maxRuntimeMs ?? defaultMs) / 1000));
}

/** The argv of a command: arrays as-is; strings through `sh -c`, with args as "$@". */
function commandArgv(command: string | readonly string[], args: readonly string[]): string[] {
  return typeof command === 'string' ? ['sh', '-c', `${command} "$@"`, 'sh', ...args] : [...command, ...args];
}
