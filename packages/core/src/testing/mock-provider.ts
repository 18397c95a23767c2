import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { RunctlError } from '../errors/runctl-error.ts';
import type { JobHandle, TrainingJob } from '../job/training-job.ts';
import type { LogEvent, LogStream } from '../job/log-event.ts';
import type { TrainingStatus } from '../job/training-status.ts';
import type { CostEstimate } from '../provider/cost-estimate.ts';
import type {
  CallOptions,
  CreateResourceOptions,
  DownloadOptions,
  DownloadResult,
  MonitorOptions,
  ProviderCapabilities,
  TrainingProvider,
} from '../provider/training-provider.ts';
import type { ResourceFilter, ResourceStatus } from '../resource/resource-status.ts';
import { matchesFilter } from '../resource/matches-filter.ts';
import { managedTags } from '../resource/tags.ts';
import { parseInput } from '../schemas/parse-input.ts';
import {
  strictCreateResourceOptionsSchema,
  hoursSchema,
  monitorOptionsSchema,
  pathSchema,
  resourceFilterSchema,
  resourceIdSchema,
  trainingJobSchema,
} from '../schemas/provider-inputs.ts';
import { abortError, throwIfAborted } from '../util/abort.ts';

/** What a simulated job prints, leaves behind and exits with. */
export interface MockJobScript {
  lines: ReadonlyArray<{ stream?: LogStream; line: string }>;
  exitCode?: number;
  /** Files the job leaves in its workspace, by relative path. */
  files?: Readonly<Record<string, string>>;
  /** How long the job runs; lines are spread over it. `Infinity` runs until cancelled. Default 50 ms. */
  durationMs?: number;
}

/** Settings of {@link createMockProvider}. */
export interface MockProviderSettings {
  name?: string;
  costPerHour?: number;
  /** Decides what each job does. By default it prints its command and exits 0. */
  simulate?: (job: TrainingJob) => MockJobScript;
}

interface MockJob {
  handle: JobHandle;
  script: MockJobScript;
  startedAt: number;
  cancelledAt?: number;
}

interface MockResource {
  status: ResourceStatus;
  jobs: MockJob[];
}

const CAPABILITIES: ProviderCapabilities = {
  spot: false,
  stop: false,
  multiNode: false,
  logCursor: true,
  download: true,
  maxRuntime: false,
  tags: true,
};

/**
 * An in-memory provider for tests and examples. Resources exist only in this
 * process; jobs are simulated on a clock, so monitor, cursors, cancel and
 * download behave like a real provider's.
 */
export function createMockProvider(settings: MockProviderSettings = {}): TrainingProvider {
  const name = settings.name ?? 'mock';
  const resources = new Map<string, MockResource>();
  const simulate = settings.simulate ?? ((job) => ({ lines: [{ line: `mock: ${describeJob(job)}` }], exitCode: 0 }));
  let counter = 0;

  const find = (id: string): MockResource => {
    parseInput(resourceIdSchema, id, 'id', name);
    const resource = resources.get(id);
    if (resource === undefined) throw new RunctlError({ code: 'NOT_FOUND', provider: name, message: `No resource with id ${id}.` });
    return resource;
  };
  const findJob = (resource: MockResource, jobId: string | undefined): MockJob => {
    const job = jobId === undefined ? resource.jobs.at(-1) : resource.jobs.find((candidate) => candidate.handle.jobId === jobId);
    if (job === undefined) throw new RunctlError({ code: 'NOT_FOUND', provider: name, message: `No job ${jobId ?? '(latest)'} on ${resource.status.id}.` });
    return job;
  };

  return {
    name,
    specificationVersion: 'v1',
    capabilities: CAPABILITIES,

    async createResource(instanceType: string, options: CreateResourceOptions = {}) {
      const parsed = parseInput(strictCreateResourceOptionsSchema, options, 'options', name);
      throwIfAborted(parsed.signal, name);
      const id = `mock-${++counter}`;
      const now = new Date();
      const expiresAt = parsed.maxLifetime === undefined ? undefined : new Date(now.getTime() + parsed.maxLifetime);
      const status: ResourceStatus = {
        id,
        name: parsed.name ?? id,
        provider: name,
        state: 'running',
        raw: 'running',
        instanceType,
        launchTime: now,
        costPerHour: settings.costPerHour ?? 0,
        tags: { ...parsed.tags, ...managedTags({ name: parsed.name ?? id, createdAt: now, expiresAt }) },
        ...(expiresAt ? { expiresAt } : {}),
      };
      resources.set(id, { status, jobs: [] });
      return { ...status };
    },

    async getResourceStatus(id: string, options: CallOptions = {}) {
      throwIfAborted(options.signal, name);
      return { ...find(id).status };
    },

    async listResources(filter: ResourceFilter = {}, options: CallOptions = {}) {
      const parsed = parseInput(resourceFilterSchema, filter, 'filter', name);
      throwIfAborted(options.signal, name);
      return [...resources.values()]
        .map((resource) => ({ ...resource.status }))
        .filter((status) => matchesFilter(status, parsed));
    },

    async train(id: string, job: TrainingJob, options: CallOptions = {}) {
      const parsed = parseInput(trainingJobSchema, job, 'job', name);
      throwIfAborted(options.signal, name);
      const resource = find(id);
      if (resource.status.state === 'terminated') {
        throw new RunctlError({ code: 'INVALID_STATE', provider: name, message: `Resource ${id} is terminated.` });
      }
      const handle: JobHandle = {
        jobId: `${id}-job-${resource.jobs.length + 1}`,
        resourceId: id,
        provider: name,
        submittedAt: new Date(),
        ...(parsed.name ? { name: parsed.name } : {}),
      };
      resource.jobs.push({ handle, script: simulate(job), startedAt: Date.now() });
      return handle;
    },

    async getJobStatus(id: string, jobId: string, options: CallOptions = {}) {
      throwIfAborted(options.signal, name);
      return jobStatus(findJob(find(id), jobId));
    },

    async cancelJob(id: string, jobId: string, options: CallOptions = {}) {
      throwIfAborted(options.signal, name);
      const job = findJob(find(id), jobId);
      if (jobStatus(job).state === 'running') job.cancelledAt = Date.now();
      return jobStatus(job);
    },

    monitor(id: string, options: MonitorOptions = {}): AsyncIterable<LogEvent> {
      return monitorJob(() => find(id), findJob, options, name);
    },

    async download(id: string, remotePath: string, localPath: string, options: DownloadOptions = {}): Promise<DownloadResult> {
      parseInput(pathSchema, remotePath, 'remotePath', name);
      parseInput(pathSchema, localPath, 'localPath', name);
      throwIfAborted(options.signal, name);
      const resource = find(id);
      const prefix = remotePath.replace(/\/+$/, '');
      const files = resource.jobs.flatMap((job) => Object.entries(job.script.files ?? {}));
      const exact = files.find(([path]) => path === prefix);
      const matches = exact ? [exact] : files.filter(([path]) => path.startsWith(`${prefix}/`));
      if (matches.length === 0) throw new RunctlError({ code: 'NOT_FOUND', provider: name, message: `No file ${remotePath} on ${id}.` });
      let bytes = 0;
      for (const [path, contents] of matches) {
        const target = exact ? localPath : join(localPath, path.slice(prefix.length + 1));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, contents);
        bytes += Buffer.byteLength(contents);
        options.onProgress?.({ bytes });
      }
      return { localPath, files: matches.length, bytes };
    },

    async terminate(id: string, options: CallOptions = {}) {
      throwIfAborted(options.signal, name);
      const resource = find(id);
      for (const job of resource.jobs) if (jobStatus(job).state === 'running') job.cancelledAt = Date.now();
      resource.status = { ...resource.status, state: 'terminated', raw: 'terminated', costPerHour: 0 };
    },

    async estimateCost(instanceType: string, hours: number, options: CallOptions = {}): Promise<CostEstimate> {
      parseInput(hoursSchema, hours, 'hours', name);
      throwIfAborted(options.signal, name);
      const costPerHour = settings.costPerHour ?? 0;
      return { provider: name, instanceType, hours, costPerHour, total: costPerHour * hours, currency: 'USD', source: costPerHour === 0 ? 'free' : 'configured', asOf: new Date() };
    },
  };
}

function describeJob(job: TrainingJob): string {
  const command = job.script ?? (typeof job.command === 'string' ? job.command : (job.command ?? []).join(' '));
  return [command, ...(job.args ?? [])].join(' ');
}

function jobEnd(job: MockJob): number {
  const duration = job.script.durationMs ?? 50;
  return Math.min(job.startedAt + duration, job.cancelledAt ?? Number.POSITIVE_INFINITY);
}

function jobStatus(job: MockJob): TrainingStatus {
  const now = Date.now();
  const end = jobEnd(job);
  const base = { jobId: job.handle.jobId, startedAt: new Date(job.startedAt) };
  if (now < end) return { ...base, state: 'running' };
  if (job.cancelledAt !== undefined && job.cancelledAt <= end) {
    return { ...base, state: 'cancelled', exitCode: 143, finishedAt: new Date(end), reason: 'cancelled' };
  }
  const exitCode = job.script.exitCode ?? 0;
  return { ...base, state: exitCode === 0 ? 'succeeded' : 'failed', exitCode, finishedAt: new Date(end), reason: 'completed' };
}

/** Lines become visible evenly over the job's duration. */
function visibleLines(job: MockJob, now: number): number {
  const total = job.script.lines.length;
  const duration = job.script.durationMs ?? 50;
  if (!Number.isFinite(duration)) return total;
  if (now >= jobEnd(job)) return job.cancelledAt !== undefined && job.cancelledAt < job.startedAt + duration
    ? Math.floor((total * (job.cancelledAt - job.startedAt)) / duration)
    : total;
  return Math.floor((total * (now - job.startedAt)) / duration);
}

async function* monitorJob(
  findResource: () => MockResource,
  findJob: (resource: MockResource, jobId: string | undefined) => MockJob,
  options: MonitorOptions,
  provider: string,
): AsyncGenerator<LogEvent> {
  const parsed = parseInput(monitorOptionsSchema, options, 'options', provider);
  const cursor = parsed.cursor === undefined ? undefined : decodeCursor(parsed.cursor, provider);
  const job = findJob(findResource(), parsed.jobId ?? cursor?.jobId);
  let next = cursor?.index ?? 0;
  const follow = parsed.follow ?? true;
  for (;;) {
    if (parsed.signal?.aborted) throw abortError(parsed.signal, provider);
    const visible = visibleLines(job, Date.now());
    while (next < visible) {
      const entry = job.script.lines[next] as { stream?: LogStream; line: string };
      next++;
      yield { type: 'log', stream: entry.stream ?? 'stdout', line: entry.line, timestamp: new Date(), cursor: `mock:${job.handle.jobId}:${next}` };
    }
    const status = jobStatus(job);
    if (status.state !== 'running' && next >= visible) {
      if (next <= job.script.lines.length) yield { type: 'exit', status, cursor: `mock:${job.handle.jobId}:${job.script.lines.length + 1}` };
      return;
    }
    if (!follow) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10);
      parsed.signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
  }
}

function decodeCursor(cursor: string, provider: string): { jobId: string; index: number } {
  const match = /^mock:(.+):(\d+)$/.exec(cursor);
  if (match === null) {
    throw new InvalidInputError({ field: 'options.cursor', provider, message: `Invalid options.cursor: ${JSON.stringify(cursor)} is not a cursor of this provider.` });
  }
  return { jobId: match[1] as string, index: Number(match[2]) };
}
