// Spec types
export type { ResourceState } from './resource/resource-state.ts';
export { RESOURCE_STATES, isFinalState } from './resource/resource-state.ts';
export type { ResourceFilter, ResourceId, ResourceStatus } from './resource/resource-status.ts';
export { normalizeState, type StateMap } from './resource/normalize-state.ts';
export { matchesFilter } from './resource/matches-filter.ts';
export { RUNCTL_TAGS, expiresAtFromTags, isManaged, managedTags } from './resource/tags.ts';
export { waitForState, type WaitForStateOptions } from './resource/wait-for-state.ts';
export type { JobHandle, TrainingJob } from './job/training-job.ts';
export { isJobFinished, type JobEndReason, type JobState, type TrainingStatus } from './job/training-status.ts';
export type { LogEvent, LogExitEvent, LogLineEvent, LogStream } from './job/log-event.ts';
export type {
  CallOptions,
  CreateResourceOptions,
  DownloadOptions,
  DownloadResult,
  MonitorOptions,
  ProviderCapabilities,
  TrainingProvider,
} from './provider/training-provider.ts';
export { accruedCost, type CostEstimate, type PriceSource } from './provider/cost-estimate.ts';

// GPU catalog
export { findGpu, GPU_CATALOG, type GpuModel, type GpuOffer } from './gpu/gpu-catalog.ts';

// Fleet helpers
export { compareCosts, type CostComparison, type CostQuery, type CostRow } from './fleet/compare-costs.ts';
export { sweepOrphans, type SweepCandidate, type SweepOptions, type SweepResult } from './fleet/sweep.ts';

// Rate limits
export { parseRateLimit, parseRetryAfter, RateBudget, rateBudgetFor, type RateBudgetOptions, type RequestPriority } from './rate/rate-budget.ts';

// Errors
export { RunctlError, type RunctlErrorCode, type RunctlErrorOptions } from './errors/runctl-error.ts';
export { InvalidInputError } from './errors/invalid-input-error.ts';
export { NoSuchProviderError } from './errors/no-such-provider-error.ts';
export { causeCode } from './errors/cause-code.ts';
export { toRunctlError } from './errors/to-runctl-error.ts';
export { redactSecrets, registerSecret } from './errors/secret-registry.ts';

// Registry and status events
export { ProviderRegistry, type AllResources, type ProviderFailure } from './registry/provider-registry.ts';
export { ResourceWatcher, type ResourceWatcherEvents, type ResourceWatcherOptions } from './watch/resource-watcher.ts';

// Schemas
export { parseInput } from './schemas/parse-input.ts';
export { durationSchema, envNameSchema, envSchema, nameSchema, safeStringSchema, tagsSchema } from './schemas/common.ts';
export {
  createResourceOptionsSchema,
  hoursSchema,
  monitorOptionsSchema,
  pathSchema,
  resourceFilterSchema,
  resourceIdSchema,
  strictCreateResourceOptionsSchema,
  trainingJobSchema,
  type ParsedTrainingJob,
} from './schemas/provider-inputs.ts';
export { integerSchema, oneOfSchema, positiveSchema, textSchema } from './schemas/settings-helpers.ts';
export * as z from './schemas/zod-mini.ts';

// Log utilities
export { LineSplitter, type LineSink, type LineSplitterOptions, type SplitLine } from './logs/line-splitter.ts';
export { flattenBatches } from './logs/flatten-batches.ts';
export { parseMetrics, type Metrics } from './logs/parse-metrics.ts';

// Shared machinery
export { formatDuration, parseDuration, type Duration } from './util/duration.ts';
export { abortError, anySignal, sleep, throwIfAborted } from './util/abort.ts';
export { DEFAULT_RETRY_POLICY, backoffDelay, withRetry, type ResolvedRetryPolicy, type RetryPolicy } from './util/retry.ts';
