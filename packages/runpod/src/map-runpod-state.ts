import { normalizeState, type ResourceState, type StateMap } from '@runctl/core';

/** RunPod's pod statuses, mapped before the shared table (so `EXITED` is `stopped`). */
export const RUNPOD_STATE_MAP: StateMap = {
  PROVISIONING: 'starting',
  STARTING: 'starting',
  RUNNING: 'running',
  EXITED: 'stopped',
  ERROR: 'error',
  TERMINATED: 'terminated',
};

/** The normalized state of a pod status string; unknown strings fall through to the shared table. */
export function mapRunpodState(status: string): ResourceState {
  return normalizeState(status, RUNPOD_STATE_MAP);
}
