import { normalizeState, type JobEndReason, type JobState, type ResourceState, type StateMap } from '@runctl/core';

/**
 * Lyceum's status spellings, as its docs, CLI and third-party clients use
 * them, mapped for VMs. Anything not listed falls through to the shared table
 * (`failed*`/`error` → error, unknown words → unknown).
 */
const VM_STATES: StateMap = {
  pending: 'starting',
  queued: 'starting',
  starting: 'starting',
  provisioning: 'starting',
  creating: 'starting',
  ready: 'running',
  running: 'running',
  stopped: 'stopped',
  stopping: 'stopped',
  terminating: 'terminating',
  deleting: 'terminating',
  terminated: 'terminated',
  deleted: 'terminated',
  // A VM that "completed", was cancelled or aborted is gone for good.
  completed: 'terminated',
  cancelled: 'terminated',
  canceled: 'terminated',
  aborted: 'terminated',
  timeout: 'error',
  failed: 'error',
  failed_user: 'error',
  failed_system: 'error',
  system_failure: 'error',
  error: 'error',
};

/** A VM's normalized state from its raw `status`. */
export function mapVmState(raw: string): ResourceState {
  return normalizeState(raw, VM_STATES);
}

/** A run's state and, once it ended, why. */
export interface RunStateInfo {
  state: JobState;
  reason?: JobEndReason;
  /** True once the run can no longer change. */
  finished: boolean;
}

const RUN_STATES: Readonly<Record<string, RunStateInfo>> = {
  pending: { state: 'queued', finished: false },
  queued: { state: 'queued', finished: false },
  starting: { state: 'queued', finished: false },
  provisioning: { state: 'queued', finished: false },
  running: { state: 'running', finished: false },
  ready: { state: 'running', finished: false },
  completed: { state: 'succeeded', reason: 'completed', finished: true },
  succeeded: { state: 'succeeded', reason: 'completed', finished: true },
  // `failed`/`failed_user`: the user's code exited non-zero.
  failed: { state: 'failed', reason: 'completed', finished: true },
  failed_user: { state: 'failed', reason: 'completed', finished: true },
  // Infrastructure failures.
  failed_system: { state: 'failed', reason: 'error', finished: true },
  system_failure: { state: 'failed', reason: 'error', finished: true },
  error: { state: 'failed', reason: 'error', finished: true },
  timeout: { state: 'failed', reason: 'max-runtime', finished: true },
  timed_out: { state: 'failed', reason: 'max-runtime', finished: true },
  cancelled: { state: 'cancelled', reason: 'cancelled', finished: true },
  canceled: { state: 'cancelled', reason: 'cancelled', finished: true },
  aborted: { state: 'cancelled', reason: 'cancelled', finished: true },
  stopped: { state: 'cancelled', reason: 'cancelled', finished: true },
  terminated: { state: 'cancelled', reason: 'cancelled', finished: true },
};

/** A run's (execution's) job state from its raw `status`, case-insensitive. */
export function mapRunState(raw: string): RunStateInfo {
  const key = raw.trim().toLowerCase();
  const known = RUN_STATES[key];
  if (known !== undefined) return known;
  if (key.includes('fail') || key.includes('error')) return { state: 'failed', reason: 'error', finished: true };
  return { state: 'unknown', finished: false };
}
