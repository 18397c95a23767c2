import type { TrainingStatus } from '@runctl/core';
import { mapRunState } from '../map-lyceum-state.ts';
import type { RunFinish } from './run-events.ts';

/** A run's status from the status endpoint, sharpened by its `jobFinished` event when that was seen. */
export function runStatus(jobId: string, api: { status: string; errors: string | undefined } | undefined, finish: RunFinish | undefined): TrainingStatus {
  const info = api === undefined ? undefined : mapRunState(api.status);
  // Lyceum's own words win for why a run ended: a timeout or an abort also ends the stream.
  if (info?.finished && (info.reason === 'max-runtime' || info.reason === 'cancelled')) {
    const status: TrainingStatus = { jobId, state: info.state, reason: info.reason as 'max-runtime' | 'cancelled' };
    if (finish?.returnCode !== undefined && finish.returnCode >= 0) status.exitCode = finish.returnCode;
    const message = api?.errors ?? finish?.error ?? (info.reason === 'max-runtime' ? 'Stopped: the run exceeded its timeout.' : undefined);
    if (message !== undefined) status.message = message;
    return status;
  }
  if (finish !== undefined) {
    if (finish.error !== undefined) {
      const status: TrainingStatus = { jobId, state: 'failed', reason: 'error', message: finish.error };
      if (finish.returnCode !== undefined && finish.returnCode > 0) status.exitCode = finish.returnCode;
      return status;
    }
    if (finish.returnCode !== undefined) {
      return { jobId, state: finish.returnCode === 0 ? 'succeeded' : 'failed', reason: 'completed', exitCode: finish.returnCode };
    }
  }
  if (info === undefined) return { jobId, state: 'unknown' };
  const status: TrainingStatus = { jobId, state: info.state };
  if (info.reason !== undefined) status.reason = info.reason;
  if (info.state === 'succeeded') status.exitCode = 0;
  if (api?.errors !== undefined) status.message = api.errors;
  return status;
}
