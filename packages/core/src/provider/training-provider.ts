import type { JobHandle, TrainingJob } from '../job/training-job.ts';
import type { TrainingStatus } from '../job/training-status.ts';
import type { LogEvent } from '../job/log-event.ts';
import type { ResourceFilter, ResourceId, ResourceStatus } from '../resource/resource-status.ts';
import type { Duration } from '../util/duration.ts';
import type { CostEstimate } from './cost-estimate.ts';

/** Options every async provider method accepts. */
export interface CallOptions {
  /** Aborting rejects the call with an `ABORTED` error and stops its work. */
  signal?: AbortSignal;
}

/** What a provider can do, so callers can branch without try/catch. */
export interface ProviderCapabilities {
  /** Interruptible (spot) resources. */
  spot: boolean;
  /** Stopping and restarting a resource without losing its disk. */
  stop: boolean;
  /** Several machines in one resource. */
  multiNode: boolean;
  /** `monitor` resumes exactly from a cursor. */
  logCursor: boolean;
  /** `download` of job outputs. */
  download: boolean;
  /** The provider enforces `TrainingJob.maxRuntime`. */
  maxRuntime: boolean;
  /** Resources carry user tags natively. */
  tags: boolean;
}

/** Options for `createResource`. Providers extend it with their own fields. */
export interface CreateResourceOptions extends CallOptions {
  /** Human name; also written to the `runctl:name` tag. */
  name?: string;
  /** Extra tags. Keys starting with `runctl:` are reserved. */
  tags?: Readonly<Record<string, string>>;
  /** Ask for an interruptible (spot) resource. */
  spot?: boolean;
  /**
   * Hard lifetime of the resource, enforced on the machine where the provider
   * allows it, and recorded as `runctl:expires-at` for sweeps.
   */
  maxLifetime?: Duration;
}

/** Options for `monitor`. */
export interface MonitorOptions extends CallOptions {
  /** Which job. Defaults to the job encoded in `cursor`, else the latest job. */
  jobId?: string;
  /** Keep waiting for new lines until the job ends (default `true`). */
  follow?: boolean;
  /** Resume just after the event that carried this cursor. */
  cursor?: string;
}

/** Options for `download`. */
export interface DownloadOptions extends CallOptions {
  /** Called as bytes arrive. */
  onProgress?: (progress: { bytes: number; totalBytes?: number }) => void;
}

/** What `download` fetched. */
export interface DownloadResult {
  localPath: string;
  files: number;
  bytes: number;
}

/**
 * The contract every provider implements (specification v1).
 *
 * Resource ids are plain strings, usable from another process. Every async
 * method takes `{ signal }`. `monitor` returns an async iterable that stops
 * its work when the loop `break`s.
 *
 * @example
 * ```ts
 * const resource = await provider.createResource('local');
 * const job = await provider.train(resource.id, { command: ['echo', 'hi'] });
 * for await (const event of provider.monitor(resource.id, { jobId: job.jobId })) {
 *   if (event.type === 'log') console.log(event.line);
 * }
 * await provider.terminate(resource.id);
 * ```
 */
export interface TrainingProvider {
  /** Registry key, such as `local` or `runpod`. */
  readonly name: string;
  readonly specificationVersion: 'v1';
  readonly capabilities: ProviderCapabilities;

  /** Launches a resource. It may still be `starting` when this resolves. */
  createResource(instanceType: string, options?: CreateResourceOptions): Promise<ResourceStatus>;
  /** Current status. Throws `NOT_FOUND` for an id the provider never had. */
  getResourceStatus(id: ResourceId, options?: CallOptions): Promise<ResourceStatus>;
  /** Resources matching the filter, in as few API calls as the provider allows. */
  listResources(filter?: ResourceFilter, options?: CallOptions): Promise<ResourceStatus[]>;
  /** Starts a job on the resource (waiting for it to be ready) and returns at once. */
  train(id: ResourceId, job: TrainingJob, options?: CallOptions): Promise<JobHandle>;
  /** Current status of a job. */
  getJobStatus(id: ResourceId, jobId: string, options?: CallOptions): Promise<TrainingStatus>;
  /** Stops a job (reason `cancelled`); resolves with its final status. */
  cancelJob(id: ResourceId, jobId: string, options?: CallOptions): Promise<TrainingStatus>;
  /** The job's log as it happens, ending with an `exit` event. */
  monitor(id: ResourceId, options?: MonitorOptions): AsyncIterable<LogEvent>;
  /** Copies a file or folder from the resource's workspace to this machine. */
  download(id: ResourceId, remotePath: string, localPath: string, options?: DownloadOptions): Promise<DownloadResult>;
  /** Ends the resource and everything on it. Safe to call twice. */
  terminate(id: ResourceId, options?: CallOptions): Promise<void>;
  /** What `hours` of this instance type would cost. */
  estimateCost(instanceType: string, hours: number, options?: CallOptions): Promise<CostEstimate>;
}
