import type { LogEvent, MonitorOptions, ResourceStatus, TrainingProvider } from '@runctl/core';
import type { ContainerLogEvent, ContainerLogOptions } from './container-logs.ts';
import type { RunpodCreateResourceOptions } from './runpod-create-options.ts';
import type { ListGpuTypesOptions, RunpodCostEstimate, RunpodCostOptions, RunpodGpuType } from './runpod-prices.ts';

/** Options of `monitor` on RunPod. */
export interface RunpodMonitorOptions extends MonitorOptions {
  /**
   * `job` (default): the log of a runctl job, over SSH, with exact cursors.
   * `container`: the pod's container log stream (RunPod's SSE endpoint), for
   * pods whose workload runctl did not start; `jobId` does not apply.
   */
  source?: 'job' | 'container';
}

/**
 * The RunPod provider: the {@link TrainingProvider} contract plus what only
 * RunPod has. Pods are created through REST v2 (spot ones through GraphQL),
 * jobs run over SSH to `ssh.direct`.
 */
export interface RunpodProvider extends TrainingProvider {
  /** Creates a pod. `instanceType` is a RunPod GPU id or an alias such as `A100-80GB`, `H100-SXM`, `RTX4090`. */
  createResource(instanceType: string, options?: RunpodCreateResourceOptions): Promise<ResourceStatus>;
  monitor(id: string, options?: RunpodMonitorOptions): AsyncIterable<LogEvent>;
  /** Prices from `/v2/catalog/gpus` (cached), else the bundled table; `source` and `asOf` say which. */
  estimateCost(instanceType: string, hours: number, options?: RunpodCostOptions): Promise<RunpodCostEstimate>;
  /** Every GPU type with price per GPU-hour and pod stock, from the catalog (cached) or the bundled table. */
  listGpuTypes(options?: ListGpuTypesOptions): Promise<RunpodGpuType[]>;
  /**
   * The pod's container log (or system log) as RunPod streams it, whoever
   * started the workload. Resumable: pass an event's `cursor` back.
   *
   * @example
   * ```ts
   * for await (const event of runpod.containerLogs(podId, { tail: 50, follow: false })) console.log(event.line);
   * ```
   */
  containerLogs(id: string, options?: ContainerLogOptions): AsyncIterable<ContainerLogEvent>;
  /** Closes the SSH connections this provider holds, so the process can exit. Any later call reopens them. */
  close(): Promise<void>;
}

