import {
  RunctlError,
  flattenBatches,
  isJobFinished,
  managedTags,
  monitorOptionsSchema,
  parseInput,
  pathSchema,
  registerSecret,
  sleep,
  throwIfAborted,
  trainingJobSchema,
  type CallOptions,
  type DownloadOptions,
  type DownloadResult,
  type JobHandle,
  type LogEvent,
  type MonitorOptions,
  type ResourceStatus,
  type TrainingJob,
  type TrainingStatus,
} from '@runctl/core';
import type { LyceumHttp } from '../lyceum-http.ts';
import { mapRunState } from '../map-lyceum-state.ts';
import type { RunApi } from './run-api.ts';
import { decodeRunCursor, isExecutionId } from './run-cursor.ts';
import { downloadFromBucket } from './run-download.ts';
import type { RunFinish } from './run-events.ts';
import { monitorRun } from './run-monitor.ts';
import { decodeRunResource, newRunResource, type RunResource } from './run-resource-id.ts';
import { runStatus } from './run-status.ts';
import { buildRunSubmission } from './run-submission.ts';

/** What {@link createRunOperations} needs. */
export interface RunOperationsConfig {
  provider: string;
  http: LyceumHttp;
  api: RunApi;
  defaultTimeoutMs: number;
  pollIntervalMs: number;
  streamIdleTimeoutMs: number;
}

/** What this process knows about a run resource beyond its id. */
interface LocalRunState {
  terminatedAt?: Date;
  /** Executions started through this process, oldest first. */
  executions: string[];
}

/**
 * Run mode. A run resource is a logical handle (see `run-resource-id.ts`):
 * creating it calls nothing; each `train()` is one Lyceum execution whose
 * id is the job id; `terminate()` aborts the executions this process started
 * on it and retires the handle. Usable from any process by its id, except
 * that "the latest job" and "terminated" are only known to the process that
 * saw them.
 */
export function createRunOperations(config: RunOperationsConfig) {
  const { provider, api } = config;
  const local = new Map<string, LocalRunState>();
  const streamUrls = new Map<string, string>();
  const finishes = new Map<string, RunFinish>();
  const stateOf = (id: string): LocalRunState => {
    let state = local.get(id);
    if (state === undefined) local.set(id, (state = { executions: [] }));
    return state;
  };

  const toStatus = (resource: RunResource): ResourceStatus => {
    const terminatedAt = local.get(resource.id)?.terminatedAt;
    const expired = resource.expiresAt !== undefined && resource.expiresAt.getTime() <= Date.now();
    const status: ResourceStatus = {
      id: resource.id,
      name: resource.name,
      provider,
      state: terminatedAt !== undefined || expired ? 'terminated' : 'running',
      raw: terminatedAt !== undefined ? 'terminated' : expired ? 'expired' : 'ready',
      message: 'A run-mode handle: each train() is one Lyceum run, billed per second while it runs.',
      instanceType: `run:${resource.executionType}`,
      launchTime: resource.createdAt,
      // The handle itself costs nothing; runs are billed while they execute.
      costPerHour: 0,
      tags: managedTags(resource),
    };
    if (resource.expiresAt !== undefined) status.expiresAt = resource.expiresAt;
    return status;
  };

  const requireLive = (id: string): RunResource => {
    const resource = decodeRunResource(id, provider);
    const status = toStatus(resource);
    if (status.state === 'terminated') {
      throw new RunctlError({ code: 'INVALID_STATE', provider, message: `Lyceum run resource ${resource.name} is ${status.raw}; it takes no more jobs.`, hint: 'Create a new resource.' });
    }
    return resource;
  };

  const requireExecution = (id: string, jobId: string): string => {
    decodeRunResource(id, provider);
    if (!isExecutionId(jobId)) throw new RunctlError({ code: 'NOT_FOUND', provider, message: `No Lyceum run ${JSON.stringify(jobId.slice(0, 80))}.` });
    return jobId;
  };

  const currentStatus = async (executionId: string, signal?: AbortSignal): Promise<TrainingStatus> =>
    runStatus(executionId, await api.status(executionId, signal), finishes.get(executionId));

  /** The status once Lyceum agrees the run is over (the stream may end a moment before). */
  const finalStatus = async (executionId: string, finish: RunFinish | undefined, signal?: AbortSignal): Promise<TrainingStatus> => {
    if (finish !== undefined) finishes.set(executionId, finish);
    let answer = await api.status(executionId, signal);
    for (let attempt = 0; attempt < 20 && !mapRunState(answer.status).finished; attempt++) {
      await sleep(Math.min(config.pollIntervalMs, 250), signal);
      answer = await api.status(executionId, signal);
    }
    return runStatus(executionId, answer, finishes.get(executionId));
  };

  return {
    create(executionType: string, options: { name?: string | undefined; maxLifetime?: number | undefined; image?: string | undefined }): ResourceStatus {
      const createdAt = new Date();
      const resource = newRunResource(
        {
          executionType,
          name: options.name ?? `run-${executionType.replace(/[^A-Za-z0-9]+/g, '-')}`,
          createdAt,
          ...(options.maxLifetime === undefined ? {} : { expiresAt: new Date(createdAt.getTime() + options.maxLifetime) }),
          ...(options.image === undefined ? {} : { image: options.image }),
        },
        provider,
      );
      stateOf(resource.id);
      return toStatus(resource);
    },

    status(id: string): ResourceStatus {
      return toStatus(decodeRunResource(id, provider));
    },

    /** The run resources this process created (Lyceum keeps no record of them). */
    list(): ResourceStatus[] {
      return [...local.keys()].map((id) => toStatus(decodeRunResource(id, provider)));
    },

    async train(id: string, job: TrainingJob, options: CallOptions = {}): Promise<JobHandle> {
      const parsed = parseInput(trainingJobSchema, job, 'job', provider);
      const resource = requireLive(id);
      throwIfAborted(options.signal, provider);
      for (const value of Object.values(parsed.secrets ?? {})) registerSecret(value);
      const submission = await buildRunSubmission(parsed, resource, { provider, defaultTimeoutMs: config.defaultTimeoutMs });
      const started = await api.start(submission, options.signal);
      if (started.streamingUrl !== undefined) streamUrls.set(started.executionId, started.streamingUrl);
      stateOf(id).executions.push(started.executionId);
      return { jobId: started.executionId, resourceId: id, provider, submittedAt: new Date(), ...(parsed.name ? { name: parsed.name } : {}) };
    },

    getJobStatus(id: string, jobId: string, options: CallOptions = {}): Promise<TrainingStatus> {
      return currentStatus(requireExecution(id, jobId), options.signal);
    },

    async cancelJob(id: string, jobId: string, options: CallOptions = {}): Promise<TrainingStatus> {
      const executionId = requireExecution(id, jobId);
      const before = await currentStatus(executionId, options.signal);
      if (isJobFinished(before.state)) return before;
      await api.abort(executionId, options.signal);
      return finalStatus(executionId, undefined, options.signal);
    },

    monitor(id: string, options: MonitorOptions = {}): AsyncIterable<LogEvent> {
      return flattenBatches(
        (async function* () {
          const parsed = parseInput(monitorOptionsSchema, options, 'options', provider);
          decodeRunResource(id, provider);
          const position = parsed.cursor === undefined ? undefined : decodeRunCursor(parsed.cursor, provider);
          const executionId = parsed.jobId ?? position?.executionId ?? local.get(id)?.executions.at(-1);
          if (executionId === undefined) {
            throw new RunctlError({ code: 'NOT_FOUND', provider, message: `No run of ${id} is known to this process.`, hint: 'Pass the jobId that train() returned.' });
          }
          if (position !== undefined && position.executionId !== executionId) {
            throw new RunctlError({ code: 'INVALID_INPUT', provider, message: `Invalid options.cursor: it belongs to run ${position.executionId}, not ${executionId}.` });
          }
          requireExecution(id, executionId);
          yield* monitorRun(
            {
              provider,
              http: config.http,
              api,
              pollIntervalMs: config.pollIntervalMs,
              streamIdleTimeoutMs: config.streamIdleTimeoutMs,
              streamUrl: (execution) => new URL(streamUrls.get(execution) ?? `${config.http.origin}/api/v1/stream/${encodeURIComponent(execution)}`),
              finalStatus,
            },
            position ?? { executionId, events: 0, ended: false },
            parsed.follow ?? true,
            parsed.signal,
          );
        })(),
      );
    },

    async download(id: string, remotePath: string, localPath: string, options: DownloadOptions = {}): Promise<DownloadResult> {
      decodeRunResource(id, provider);
      parseInput(pathSchema, remotePath, 'remotePath', provider);
      parseInput(pathSchema, localPath, 'localPath', provider);
      return downloadFromBucket(config.http, api, remotePath, localPath, { ...options, provider });
    },

    async terminate(id: string, options: CallOptions = {}): Promise<void> {
      decodeRunResource(id, provider);
      const state = stateOf(id);
      if (state.terminatedAt !== undefined) return;
      await Promise.all(
        state.executions.map(async (executionId) => {
          const status = await currentStatus(executionId, options.signal).catch(() => undefined);
          if (status !== undefined && !isJobFinished(status.state)) await api.abort(executionId, options.signal);
        }),
      );
      state.terminatedAt = new Date();
    },
  };
}

export type RunOperations = ReturnType<typeof createRunOperations>;
