import {
  RunctlError,
  createResourceOptionsSchema,
  hoursSchema,
  integerSchema,
  oneOfSchema,
  parseInput,
  resourceFilterSchema,
  resourceIdSchema,
  throwIfAborted,
  z,
  type CallOptions,
  type LogEvent,
  type ProviderCapabilities,
  type ResourceFilter,
  type ResourceStatus,
  matchesFilter
} from '@runctl/core';
import { agentJobOperations } from '@runctl/agent';
import { resolveContainerLogOptions } from './container-log-options.ts';
import { readContainerLogs, type ContainerLogOptions } from './container-logs.ts';
import { launchCandidates } from './create-pod-request.ts';
import { launchPod } from './launch-pod.ts';
import { markerEnv } from './pod-markers.ts';
import { formatPodName, newLaunchId } from './pod-name.ts';
import { PodReader } from './pod-reader.ts';
import { toResourceStatus } from './pod-status.ts';
import { resolveGpuIds } from './resolve-gpu.ts';
import { apiKeyLoader } from './runpod-api-key.ts';
import { runpodCreateOptionsSchema, type RunpodCreateResourceOptions } from './runpod-create-options.ts';
import { createRunpodDataPlane } from './runpod-data-plane.ts';
import { createRunpodHttp } from './runpod-http.ts';
import { GpuCatalog, estimateRunpodCost, type ListGpuTypesOptions, type RunpodCostOptions } from './runpod-prices.ts';
import type { RunpodMonitorOptions, RunpodProvider } from './runpod-provider-types.ts';
import { resolveRunpodSettings, type RunpodProviderSettings } from './runpod-settings.ts';
import { runpodMonitor } from './runpod-monitor.ts';
import { createSshKeyManager } from './ssh-key-manager.ts';
import { deletePod, terminatePod } from './terminate-pod.ts';

const CAPABILITIES: ProviderCapabilities = {
  spot: true,
  stop: false,
  multiNode: false,
  logCursor: true,
  download: true,
  maxRuntime: true,
  // Pods have no native tags in REST v2; runctl keeps its tags in the pod name and env.
  tags: false,
};

const cloudSchema = oneOfSchema(['SECURE', 'COMMUNITY'] as const);
const costOptionsShape = { signal: createResourceOptionsSchema.shape.signal, gpuCount: z.optional(integerSchema(1, 16)), cloud: z.optional(cloudSchema) };
const costOptionsSchema = z.strictObject(costOptionsShape);
const gpuTypesOptionsSchema = z.strictObject({ ...costOptionsShape, refresh: z.optional(z.boolean()) });

/**
 * The RunPod provider: pods through REST v2 (spot pods through GraphQL
 * `podRentInterruptable`), jobs over SSH to `ssh.direct`.
 *
 * Creating it reads nothing: the API key (`apiKey` or `RUNPOD_API_KEY`) is
 * read on the first request, and a missing one is an `AUTH` error then.
 *
 * @example
 * ```ts
 * const runpod = createRunpod();
 * const pod = await runpod.createResource('RTX4090', { name: 'bert', maxLifetime: '2h' });
 * const job = await runpod.train(pod.id, { script: 'train.py', workdir: '.' });
 * for await (const event of runpod.monitor(pod.id, { jobId: job.jobId })) if (event.type === 'log') console.log(event.line);
 * await runpod.terminate(pod.id);
 * ```
 */
export function createRunpod(settings: RunpodProviderSettings = {}): RunpodProvider {
  const resolved = resolveRunpodSettings(settings);
  const { name } = resolved;
  const http = createRunpodHttp(resolved, apiKeyLoader(resolved.apiKey, name));
  const reader = new PodReader(http, name);
  const catalog = new GpuCatalog(http, resolved.priceTtlMs, name);

  const sshKeys = createSshKeyManager(http, resolved);
  const plane = createRunpodDataPlane(resolved, reader, sshKeys.identity);
  const jobs = agentJobOperations(plane);
  const monitorContext = { provider: name, http, reader, plane, jobs, lostCheckMs: resolved.pollIntervalMs * 3 };
  const launchContext = { http, reader, graphqlURL: resolved.graphqlURL, provider: name, retry: resolved.retry, remove: (id: string, signal?: AbortSignal) => deletePod(http, id, signal) };

  return {
    name,
    specificationVersion: 'v1',
    capabilities: CAPABILITIES,
    ...jobs,

    async createResource(instanceType: string, options: RunpodCreateResourceOptions = {}): Promise<ResourceStatus> {
      const parsed = parseInput(runpodCreateOptionsSchema, options, 'options', name);
      const gpuIds = resolveGpuIds(instanceType, name);
      throwIfAborted(parsed.signal, name);
      await sshKeys.ensureRegistered(parsed.signal);
      const launchId = newLaunchId();
      const createdAt = new Date();
      // Whole seconds, so the pod name and the env record the same instant.
      const expiresAt = parsed.maxLifetime === undefined ? undefined : new Date(Math.floor((createdAt.getTime() + parsed.maxLifetime) / 1000) * 1000);
      const resourceName = parsed.name ?? `pod-${launchId.slice(0, 6)}`;
      const podName = formatPodName({ name: resourceName, launchId, expiresAt });
      const env = { ...parsed.env, ...markerEnv({ name: resourceName, launchId, createdAt, expiresAt, spot: parsed.spot === true, tags: parsed.tags ?? {} }) };
      const pod = await launchPod(launchContext, podName, launchCandidates(parsed, gpuIds, podName, env), parsed.signal);
      return toResourceStatus(pod, name);
    },

    async getResourceStatus(id: string, options: CallOptions = {}): Promise<ResourceStatus> {
      parseInput(resourceIdSchema, id, 'id', name);
      const pod = await reader.get(id, options.signal);
      if (pod === undefined) throw new RunctlError({ code: 'NOT_FOUND', provider: name, message: `RunPod has no pod ${id}.` });
      return toResourceStatus(pod, name);
    },

    async listResources(filter: ResourceFilter = {}, options: CallOptions = {}): Promise<ResourceStatus[]> {
      const parsed = parseInput(resourceFilterSchema, filter, 'filter', name);
      const ids = parsed.ids === undefined ? undefined : new Set(parsed.ids);
      return (await reader.list(options.signal))
        .filter((pod) => ids === undefined || ids.has(pod.id))
        .map((pod) => toResourceStatus(pod, name))
        .filter((status) => matchesFilter(status, parsed));
    },

    monitor(id: string, options: RunpodMonitorOptions = {}): AsyncIterable<LogEvent> {
      return runpodMonitor(monitorContext, id, options);
    },

    async terminate(id: string, options: CallOptions = {}): Promise<void> {
      parseInput(resourceIdSchema, id, 'id', name);
      await terminatePod(http, reader, id, { provider: name, verifyTimeoutMs: 60_000, intervalMs: resolved.pollIntervalMs, signal: options.signal });
      await plane.forget(id);
    },

    async estimateCost(instanceType: string, hours: number, options: RunpodCostOptions = {}) {
      parseInput(hoursSchema, hours, 'hours', name);
      parseInput(costOptionsSchema, options, 'options', name);
      return estimateRunpodCost(catalog, instanceType, hours, options, name);
    },

    async listGpuTypes(options: ListGpuTypesOptions = {}) {
      parseInput(gpuTypesOptionsSchema, options, 'options', name);
      return catalog.list(options);
    },

    close: () => plane.closeAll(),

    containerLogs(id: string, options: ContainerLogOptions = {}) {
      return lazily(() => {
        parseInput(resourceIdSchema, id, 'id', name);
        return readContainerLogs({ http, reader, provider: name }, id, resolveContainerLogOptions(options, name));
      });
    },
  };
}

/** Defers validation to the first `next()`, so errors surface in the `for await` like every other failure. */
async function* lazily<T>(open: () => AsyncIterable<T>): AsyncGenerator<T> {
  yield* open();
}
