import { open, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, relative, resolve } from 'node:path';
import { InvalidInputError, RunctlError, type ParsedTrainingJob } from '@runctl/core';
import type { AgentJobSpec } from './agent-client.ts';
import type { WorkspaceLayout } from './layout.ts';
import type { TransferOptions } from './transport/transport.ts';
import { selectWorkdirFiles } from './workdir-files.ts';

/** A local file or folder to copy to the machine before the job starts. */
export interface PlannedUpload {
  localPath: string;
  remotePath: string;
  filter?: TransferOptions['filter'];
}

/** Everything needed to start a job: uploads first, then the agent spec. */
export interface JobPlan {
  uploads: PlannedUpload[];
  /** Commands run on the machine before the job (e.g. fetching `s3://` data), as argv arrays. */
  setup: Array<readonly string[]>;
  spec: AgentJobSpec;
}

/** Provider hooks for data and outputs that live outside this machine (e.g. S3). */
export interface JobPlanHooks {
  /** Argv that fetches a non-local `dataSource` into `dataDir` on the machine. */
  fetchData?: (dataSource: string, dataDir: string) => readonly string[] | undefined;
  /** Argv that copies `outputDir` to `outputDest` after the job. */
  syncOutputs?: (outputDest: string, outputDir: string) => readonly string[] | undefined;
}

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Turns a parsed `TrainingJob` into uploads and an agent spec for one
 * workspace. Inside the job, RUNCTL_* variables point at the workspace's
 * folders and Python output is unbuffered, so logs stream live.
 */
export async function planJob(job: ParsedTrainingJob, layout: WorkspaceLayout, jobId: string, hooks: JobPlanHooks = {}, provider?: string): Promise<JobPlan> {
  const uploads: PlannedUpload[] = [];
  const setup: Array<readonly string[]> = [];
  const onExit: Array<readonly string[]> = [];
  const localWorkdir = job.workdir === undefined ? undefined : resolve(job.workdir);

  if (localWorkdir !== undefined) {
    const info = await stat(localWorkdir).catch(() => undefined);
    if (!info?.isDirectory()) throw invalid('job.workdir', `${job.workdir} is not a folder on this machine.`, provider);
    const selection = await selectWorkdirFiles(localWorkdir);
    uploads.push({ localPath: localWorkdir, remotePath: layout.root, filter: selection.filter });
  }

  const argv = job.script !== undefined ? await scriptArgv(job.script, localWorkdir, layout, jobId, uploads, provider) : commandArgv(job.command as string | readonly string[]);
  argv.push(...(job.args ?? []));

  if (job.dataSource !== undefined) {
    if (URL_LIKE.test(job.dataSource)) {
      const fetch = hooks.fetchData?.(job.dataSource, layout.dataDir);
      if (fetch === undefined) throw unsupported('job.dataSource', job.dataSource, provider);
      setup.push(fetch);
    } else {
      const localData = resolve(job.dataSource);
      const info = await stat(localData).catch(() => undefined);
      if (info === undefined) throw invalid('job.dataSource', `${job.dataSource} does not exist on this machine.`, provider);
      uploads.push({ localPath: localData, remotePath: info.isDirectory() ? layout.dataDir : `${layout.dataDir}/${basename(localData)}` });
    }
  }

  if (job.outputDest !== undefined) {
    const sync = URL_LIKE.test(job.outputDest) ? hooks.syncOutputs?.(job.outputDest, layout.outputDir) : copyOutputsArgv(job.outputDest, layout.outputDir);
    if (sync === undefined) throw unsupported('job.outputDest', job.outputDest, provider);
    onExit.push(sync);
  }

  const checkpointDir = job.checkpointDir === undefined ? `${layout.root}/checkpoints` : workspacePath(layout, job.checkpointDir, 'job.checkpointDir', provider);
  return {
    uploads,
    setup,
    spec: {
      name: job.name,
      argv,
      cwd: layout.root,
      environment: {
        PYTHONUNBUFFERED: '1',
        RUNCTL_JOB_ID: jobId,
        RUNCTL_WORKSPACE: layout.root,
        RUNCTL_DATA_DIR: layout.dataDir,
        RUNCTL_OUTPUT_DIR: layout.outputDir,
        RUNCTL_CHECKPOINT_DIR: checkpointDir,
        ...job.environment,
      },
      secrets: job.secrets,
      maxRuntimeMs: job.maxRuntime,
      onExit,
    },
  };
}

/** The argv of a `command`: arrays run as-is; strings run in `sh -c`, with args as "$@". */
function commandArgv(command: string | readonly string[]): string[] {
  return typeof command === 'string' ? ['sh', '-c', `${command} "$@"`, 'sh'] : [...command];
}

async function scriptArgv(script: string, workdir: string | undefined, layout: WorkspaceLayout, jobId: string, uploads: PlannedUpload[], provider?: string): Promise<string[]> {
  const local = resolve(workdir ?? '.', script);
  const info = await stat(local).catch(() => undefined);
  if (!info?.isFile()) throw invalid('job.script', `${script} is not a file${workdir ? ` in ${workdir}` : ''}.`, provider);
  let remote: string;
  const inside = workdir === undefined ? undefined : relative(workdir, local);
  if (inside !== undefined && !inside.startsWith('..') && !isAbsolute(inside)) {
    remote = `${layout.root}/${inside.split('\\').join('/')}`;
  } else {
    remote = `${layout.jobDir(jobId)}/${basename(local)}`;
    uploads.push({ localPath: local, remotePath: remote });
  }
  switch (extname(local).toLowerCase()) {
    case '.py':
      return ['python3', remote];
    case '.sh':
      return ['sh', remote];
    case '.js':
    case '.mjs':
    case '.cjs':
    case '.ts':
      return ['node', remote];
    default:
      return [...(await shebang(local)), remote];
  }
}

/** The interpreter from a `#!` line (`#!/usr/bin/env python3` → ['/usr/bin/env', 'python3']), else sh. */
async function shebang(path: string): Promise<string[]> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(256);
    const { bytesRead } = await handle.read(buffer, 0, 256, 0);
    const first = buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0] ?? '';
    if (!first.startsWith('#!')) return ['sh'];
    return first.slice(2).trim().split(/\s+/).filter((part) => part !== '');
  } finally {
    await handle.close();
  }
}

function copyOutputsArgv(dest: string, outputDir: string): readonly string[] {
  // A fixed script; the paths arrive as arguments, never spliced into it.
  return ['sh', '-c', 'mkdir -p "$1" && if [ -d "$2" ]; then cp -R "$2/." "$1/"; fi', 'sh', dest, outputDir];
}

/** A path inside the workspace; anything escaping it is an input error. */
export function workspacePath(layout: WorkspaceLayout, path: string, field: string, provider?: string): string {
  const joined = path.startsWith('/') ? path : `${layout.root}/${path}`;
  const parts: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  const normalized = `/${parts.join('/')}`;
  if (normalized !== layout.root && !normalized.startsWith(`${layout.root}/`)) {
    throw invalid(field, `${path} is outside the workspace.`, provider);
  }
  return normalized;
}

function invalid(field: string, detail: string, provider?: string): InvalidInputError {
  return new InvalidInputError({ field, provider, message: `Invalid ${field}: ${detail}` });
}

function unsupported(field: string, value: string, provider?: string): RunctlError {
  return new RunctlError({ code: 'UNSUPPORTED', provider, message: `${field} ${value} is not supported by ${provider ?? 'this provider'}.`, hint: 'Use a local path, or a URL scheme this provider handles.' });
}
