/** Lifecycle of one job. */
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'unknown';

/** Why a job ended. */
export type JobEndReason = 'completed' | 'preempted' | 'max-runtime' | 'cancelled' | 'resource-lost' | 'error';

/** A snapshot of one job. */
export interface TrainingStatus {
  jobId: string;
  state: JobState;
  /** Exit code of the job's process, once it has ended. 128+N when killed by signal N. */
  exitCode?: number;
  startedAt?: Date;
  finishedAt?: Date;
  /** Why it ended; only set once it has. */
  reason?: JobEndReason;
  /** Extra detail, e.g. the provider's error text. */
  message?: string;
}

/** True once the job can no longer change. */
export function isJobFinished(state: JobState): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled';
}
