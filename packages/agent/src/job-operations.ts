import { rename, rm } from 'node:fs/promises';
import {
  RunctlError,
  abortError,
  flattenBatches,
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  monitorOptionsSchema,
  parseInput,
  pathSchema,
  resourceIdSchema,
  sleep,
  trainingJobSchema,
  type CallOptions,
  type DownloadOptions,
  type DownloadResult,
  type JobHandle,
  type LogEvent,
  type MonitorOptions,
  type ParsedTrainingJob,
  type TrainingJob,
  type TrainingProvider,
  type TrainingStatus,
} from '@runctl/core';
import type { AgentClient } from './agent-client.ts';
import { newJobId } from './job-id.ts';
import { planJob, workspacePath, type JobPlan, type JobPlanHooks } from './prepare-job.ts';

/** What a provider tells the shared job operations about its resources. */
export interface AgentDataPlane extends JobPlanHooks {
  provider: string;
  /**
   * The agent of a ready resource. Waits for the resource to be reachable;
   * throws `NOT_FOUND` for unknown ids and `INVALID_STATE` for terminated ones.
   */
  agentFor(id: string, signal?: AbortSignal): Promise<AgentClient>;
  /**
   * Whether a resource is gone for good (terminated, deleted, preempted).
   * When the connection fails mid-monitor, a gone resource ends the stream
   * with reason `resource-lost` (or `preempted`), anything else reconnects.
   */
  resourceLost?(id: string, signal?: AbortSignal): Promise<{ reason: 'resource-lost' | 'preempted'; message: string } | undefined>;
  /** Forget a cached connection after a failure, so the next call reconnects. */
  invalidate?(id: string): void;
  /** Reconnect attempts during one monitor before giving up (default 8). */
  maxReconnects?: number;
  /** Time between SIGTERM and SIGKILL when a job is cancelled or hits maxRuntime (default 10 s). */
  killGraceMs?: number;
  /**
   * Last word on a job's plan before anything is sent: a provider adds its
   * own setup steps, exit hooks or environment (AWS: S3 checkpoint syncs).
   */
  adaptPlan?(plan: JobPlan, context: { agent: AgentClient; job: ParsedTrainingJob; jobId: string; signal?: AbortSignal | undefined }): Promise<JobPlan> | JobPlan;
}

/** The agent-backed half of a {@link TrainingProvider}. */
export type AgentJobOperations = Pick<TrainingProvider, 'train' | 'getJobStatus' | 'cancelJob' | 'monitor' | 'download'>;

/**
 * `train`, `getJobStatus`, `cancelJob`, `monitor` and `download`, written
 * once over the job protocol. Providers supply the control plane and
 * {@link AgentDataPlane.agentFor}; everything a job does then behaves the
 * same on every provider.
 */
export function agentJobOperations(plane: AgentDataPlane): AgentJobOperations {
  const { provider } = plane;

  return {
    async train(id: string, job: TrainingJob, options: CallOptions = {}): Promise<JobHandle> {
      parseInput(resourceIdSchema, id, 'id', provider);
      const parsed = parseInput(trainingJobSchema, job, 'job', provider);
      const agent = await plane.agentFor(id, options.signal);
      const jobId = newJobId(parsed.name);
      const planned = await planJob(parsed, agent.layout, jobId, plane, provider);
      const plan = plane.adaptPlan === undefined ? planned : await plane.adaptPlan(planned, { agent, job: parsed, jobId, signal: options.signal });
      for (const upload of plan.uploads) {
        await agent.transport.upload(upload.localPath, upload.remotePath, { ...(upload.filter ? { filter: upload.filter } : {}), ...signalOf(options) });
      }
      for (const argv of plan.setup) {
        const result = await agent.transport.exec(argv, signalOf(options));
        if (result.exitCode !== 0) {
          throw new RunctlError({ code: 'PROVIDER', provider, message: `Preparing job data failed (${argv[0]} exited ${result.exitCode}): ${result.stderr.toString('utf8').trim().slice(0, 500)}` });
        }
      }
      await agent.startJob({ ...plan.spec, graceMs: plane.killGraceMs }, { jobId, ...signalOf(options) });
      return { jobId, resourceId: id, provider, submittedAt: new Date(), ...(parsed.name ? { name: parsed.name } : {}) };
    },

    async getJobStatus(id: string, jobId: string, options: CallOptions = {}): Promise<TrainingStatus> {
      parseInput(resourceIdSchema, id, 'id', provider);
      return (await plane.agentFor(id, options.signal)).jobStatus(jobId, options.signal);
    },

    async cancelJob(id: string, jobId: string, options: CallOptions = {}): Promise<TrainingStatus> {
      parseInput(resourceIdSchema, id, 'id', provider);
      return (await plane.agentFor(id, options.signal)).cancel(jobId, { graceMs: plane.killGraceMs ?? 10_000, ...signalOf(options) });
    },

    monitor(id: string, options: MonitorOptions = {}): AsyncIterable<LogEvent> {
      return flattenBatches(monitorWithReconnect(plane, id, options));
    },

    async download(id: string, remotePath: string, localPath: string, options: DownloadOptions = {}): Promise<DownloadResult> {
      parseInput(resourceIdSchema, id, 'id', provider);
      parseInput(pathSchema, remotePath, 'remotePath', provider);
      parseInput(pathSchema, localPath, 'localPath', provider);
      const agent = await plane.agentFor(id, options.signal);
      const target = workspacePath(agent.layout, remotePath, 'remotePath', provider);
      const [realRoot, realTarget] = await Promise.all([agent.transport.realpath(agent.layout.root, signalOf(options)), agent.transport.realpath(target, signalOf(options))]);
      if (realTarget === undefined) throw new RunctlError({ code: 'NOT_FOUND', provider, message: `Nothing at ${remotePath} in the workspace of ${id}.` });
      if (realRoot === undefined || (realTarget !== realRoot && !realTarget.startsWith(`${realRoot}/`))) {
        throw new RunctlError({ code: 'INVALID_INPUT', provider, message: `Invalid remotePath: ${remotePath} leads outside the workspace (through a symlink).` });
      }
      // Land in a sibling temp path, then rename: a failed download never leaves a half file at localPath.
      const staging = `${localPath}.runctl-partial`;
      const result = await agent.transport.download(realTarget, staging, {
        filter: (path) => !path.startsWith('.runctl'),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...signalOf(options),
      });
      await rm(localPath, { recursive: true, force: true });
      await rename(staging, localPath);
      return { localPath, files: result.files, bytes: result.bytes };
    },
  };
}

/** Follows a job in batches, reconnecting and resuming from the last cursor when the connection drops. */
async function* monitorWithReconnect(plane: AgentDataPlane, id: string, options: MonitorOptions): AsyncGenerator<LogEvent[]> {
  const { provider } = plane;
  parseInput(resourceIdSchema, id, 'id', provider);
  const parsed = parseInput(monitorOptionsSchema, options, 'options', provider);
  let cursor = parsed.cursor;
  let jobId = parsed.jobId;
  let failures = 0;
  for (;;) {
    try {
      const agent = await plane.agentFor(id, parsed.signal);
      jobId ??= cursor === undefined ? await agent.latestJobId(parsed.signal) : undefined;
      for await (const batch of agent.followLogBatches({ jobId, cursor, follow: parsed.follow, signal: parsed.signal })) {
        failures = 0;
        const last = batch.at(-1);
        if (last !== undefined) cursor = last.cursor;
        yield batch;
      }
      return;
    } catch (error) {
      if (parsed.signal?.aborted) throw abortError(parsed.signal, provider);
      if (!isConnectionFailure(error)) throw error;
      plane.invalidate?.(id);
      const lost = await plane.resourceLost?.(id, parsed.signal).catch(() => undefined);
      if (lost !== undefined) {
        yield [{ type: 'exit', status: { jobId: jobId ?? 'unknown', state: 'unknown', reason: lost.reason, message: lost.message }, cursor: cursor ?? '' }];
        return;
      }
      if (++failures > (plane.maxReconnects ?? 8)) throw error;
      await sleep(backoffDelay(failures, { ...DEFAULT_RETRY_POLICY, initialDelayMs: 250, maxDelayMs: 5_000 }), parsed.signal);
    }
  }
}

/** Errors after which the same call may work on a fresh connection. */
function isConnectionFailure(error: unknown): boolean {
  return RunctlError.isInstance(error) && error.retryable && (error.code === 'PROVIDER' || error.code === 'TIMEOUT');
}

function signalOf(options: { signal?: AbortSignal | undefined }): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}
