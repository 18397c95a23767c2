import { InvalidInputError, parseInput, resourceIdSchema, type LogEvent } from '@runctl/core';
import { decodeCursor, type AgentJobOperations } from '@runctl/agent';
import { resolveContainerLogOptions } from './container-log-options.ts';
import { readContainerLogs, type ContainerLogOptions } from './container-logs.ts';
import { endWhenPodLost } from './end-when-pod-lost.ts';
import type { PodReader } from './pod-reader.ts';
import type { RunpodDataPlane } from './runpod-data-plane.ts';
import type { RunpodHttp } from './runpod-http.ts';
import type { RunpodMonitorOptions } from './runpod-provider-types.ts';

interface MonitorContext {
  provider: string;
  http: RunpodHttp;
  reader: PodReader;
  plane: RunpodDataPlane;
  jobs: AgentJobOperations;
  /** How often a running monitor checks that its pod still exists. */
  lostCheckMs: number;
}

/**
 * `monitor` on RunPod. `source: 'job'` (default) follows a runctl job over
 * SSH; `source: 'container'` follows the pod's container log stream from its
 * retained history. Either way the pod is re-checked every `lostCheckMs`,
 * and a pod that is gone ends the stream with `resource-lost` (`preempted`
 * for a stopped spot pod) instead of a hang.
 */
export function runpodMonitor(context: MonitorContext, id: string, options: RunpodMonitorOptions): AsyncIterable<LogEvent> {
  const { provider, plane } = context;
  const { source, ...rest } = options;
  const lost = (signal?: AbortSignal) => plane.resourceLost?.(id, signal) ?? Promise.resolve(undefined);
  if (source !== undefined && source !== 'job' && source !== 'container') {
    return failing(new InvalidInputError({ field: 'options.source', provider, message: "Invalid options.source: must be 'job' or 'container'." }));
  }
  if (source !== 'container') {
    return endWhenPodLost((signal) => context.jobs.monitor(id, { ...rest, signal }), lost, { intervalMs: context.lostCheckMs, jobId: rest.jobId, jobIdOfCursor, signal: rest.signal });
  }
  if (rest.jobId !== undefined) {
    return failing(new InvalidInputError({ field: 'options.jobId', provider, message: "Invalid options.jobId: it does not apply to source 'container'." }));
  }
  // From the start of the retained history (RunPod keeps 5000 lines), like a job's log; a cursor resumes instead.
  const logOptions: ContainerLogOptions = rest.cursor === undefined ? { tail: 5_000 } : { cursor: rest.cursor };
  if (rest.follow !== undefined) logOptions.follow = rest.follow;
  const start = (signal: AbortSignal): AsyncIterable<LogEvent> => {
    parseInput(resourceIdSchema, id, 'id', provider);
    return readContainerLogs(context, id, resolveContainerLogOptions({ ...logOptions, signal }, provider));
  };
  return endWhenPodLost(start, lost, { intervalMs: context.lostCheckMs, jobId: 'container', jobIdOfCursor: () => undefined, signal: rest.signal });
}

function jobIdOfCursor(cursor: string): string | undefined {
  try {
    return decodeCursor(cursor).jobId;
  } catch {
    return undefined;
  }
}

/** An iterable whose first `next()` rejects: validation errors surface in the `for await`, like every other failure. */
async function* failing(error: Error): AsyncGenerator<never> {
  throw error;
}
