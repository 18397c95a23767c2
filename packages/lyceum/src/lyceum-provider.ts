import {
  InvalidInputError,
  RunctlError,
  hoursSchema,
  parseInput,
  resourceFilterSchema,
  resourceIdSchema,
  throwIfAborted,
  type CallOptions,
  type CostEstimate,
  type ProviderCapabilities,
  type ResourceFilter,
  type ResourceStatus,
  type TrainingProvider,
  matchesFilter
} from '@runctl/core';
import { agentJobOperations, type SshKeyPair, type SshTransportOptions, type Transport } from '@runctl/agent';
import { formatInstanceType, parseInstanceType } from './instance-type.ts';
import { lazyApiKey } from './lyceum-api-key.ts';
import { lyceumCreateOptionsSchema, type LyceumCreateResourceOptions } from './lyceum-create-options.ts';
import { createLyceumHttp } from './lyceum-http.ts';
import { PriceBook, parseMachineTypes } from './lyceum-prices.ts';
import { resolveLyceumSettings, type LyceumProviderSettings } from './lyceum-settings.ts';
import { createRunApi } from './run-mode/run-api.ts';
import { createRunOperations } from './run-mode/run-operations.ts';
import { isRunResourceId } from './run-mode/run-resource-id.ts';
import { loadSshKey } from './ssh-key/load-ssh-key.ts';
import { createVmApi } from './vm/vm-api.ts';
import { createVmDataPlane } from './vm/vm-data-plane.ts';
import { createVmOperations } from './vm/vm-operations.ts';

/** A Lyceum provider: the runctl spec, plus `close()` for its SSH connections. */
export interface LyceumProvider extends TrainingProvider {
  createResource(instanceType: string, options?: LyceumCreateResourceOptions): Promise<ResourceStatus>;
  /**
   * Closes the SSH connections kept open to VMs, so the process can exit.
   * The provider reconnects if used again. Jobs on the VMs keep running.
   */
  close(): Promise<void>;
}

/** Test hooks; not part of the public API. */
export interface LyceumInternalSettings {
  /** Wraps or replaces the SSH transport of VMs. */
  transportFactory?: (options: SshTransportOptions) => Transport;
}

const CAPABILITIES: ProviderCapabilities = {
  spot: true,
  stop: false,
  multiNode: false,
  logCursor: true,
  download: true,
  maxRuntime: true,
  // No native tags: runctl's markers ride in the VM name (see vm-name.ts).
  tags: false,
};

/**
 * The Lyceum provider (https://lyceum.technology), in two modes:
 *
 * - **VM mode** (`a100`, `h100.8x`, `cpu`, …): a VM from `POST /vms/create`;
 *   jobs run through the runctl agent over SSH, so they outlive this
 *   process, stream exact-resume logs and are limited by `maxRuntime`.
 * - **Run mode** (`run:gpu.a100`, `run:cpu`): short jobs (≤ 600 s) on
 *   Lyceum's execution API, each `train()` one run, logs from its event stream.
 *
 * Nothing is read (not even `LYCEUM_API_KEY`) until the first call.
 *
 * @example
 * ```ts
 * const lyceum = createLyceum();
 * const vm = await lyceum.createResource('a100', { name: 'finetune', maxLifetime: '3h' });
 * const job = await lyceum.train(vm.id, { script: 'train.py', workdir: '.', maxRuntime: '2h' });
 * for await (const event of lyceum.monitor(vm.id, { jobId: job.jobId })) {
 *   if (event.type === 'log') console.log(event.line);
 * }
 * await lyceum.terminate(vm.id);
 * await lyceum.close();
 * ```
 */
export function createLyceum(settings: LyceumProviderSettings = {}): LyceumProvider {
  return createLyceumProvider(settings, {});
}

/** {@link createLyceum} with test hooks. */
export function createLyceumProvider(settings: LyceumProviderSettings, internal: LyceumInternalSettings): LyceumProvider {
  const resolved = resolveLyceumSettings(settings);
  const { name } = resolved;
  const http = createLyceumHttp({
    provider: name,
    baseURL: resolved.baseURL,
    apiKey: lazyApiKey(resolved.apiKey, name),
    orgSlug: resolved.orgSlug,
    headers: resolved.headers,
    fetch: resolved.fetch,
    timeoutMs: resolved.timeoutMs,
    retry: resolved.retry,
    rateLimit: resolved.rateLimit,
  });
  let keyPair: Promise<SshKeyPair> | undefined;
  const sshKey = (): Promise<SshKeyPair> => {
    keyPair ??= loadSshKey({ provider: name, privateKey: resolved.sshPrivateKey, publicKey: resolved.sshPublicKey, keyDir: resolved.sshKeyDir }).catch((error: unknown) => {
      keyPair = undefined;
      throw error;
    });
    return keyPair;
  };

  const prices = new PriceBook(async () => parseMachineTypes(await http.request('GET', 'machine-types', { idempotent: true })), resolved.priceCacheTtlMs);
  const vmApi = createVmApi(http, name);
  const plane = createVmDataPlane({
    provider: name,
    vms: vmApi,
    sshKey,
    sshUser: resolved.sshUser,
    knownHostsDir: resolved.knownHostsDir,
    remoteWorkspace: resolved.remoteWorkspace,
    readyTimeoutMs: resolved.readyTimeoutMs,
    pollIntervalMs: resolved.pollIntervalMs,
    killGraceMs: resolved.killGraceMs,
    ...(internal.transportFactory ? { transportFactory: internal.transportFactory } : {}),
  });
  const vm = createVmOperations({ provider: name, vms: vmApi, prices, plane, sshKey, retry: resolved.retry });
  const vmJobs = agentJobOperations(plane);
  const runs = createRunOperations({
    provider: name,
    http,
    api: createRunApi(http, resolved.baseURL, name, resolved.retry),
    defaultTimeoutMs: resolved.runTimeoutMs,
    pollIntervalMs: resolved.pollIntervalMs,
    streamIdleTimeoutMs: resolved.streamIdleTimeoutMs,
  });
  const checkId = (id: string): void => {
    parseInput(resourceIdSchema, id, 'id', name);
  };

  return {
    name,
    specificationVersion: 'v1',
    capabilities: CAPABILITIES,

    async createResource(instanceType: string, options: LyceumCreateResourceOptions = {}): Promise<ResourceStatus> {
      const parsed = parseInput(lyceumCreateOptionsSchema, options, 'options', name);
      const type = parseInstanceType(instanceType, name);
      throwIfAborted(parsed.signal, name);
      http.requireApiKey();
      if (parsed.tags !== undefined && Object.keys(parsed.tags).length > 0) {
        throw new InvalidInputError({
          field: 'options.tags',
          provider: name,
          message: 'Invalid options.tags: Lyceum has no tags, so they could not be kept (and a sweep by tag would miss the resource).',
          hint: 'Put what you need in options.name; runctl keeps its own markers in the VM name.',
        });
      }
      if (type.mode === 'run') {
        if (parsed.instanceSpecs !== undefined) throw modeOnly('options.instanceSpecs', 'VM mode', name);
        if (parsed.spot === true) throw modeOnly('options.spot', 'VM mode', name);
        return runs.create(type.executionType, parsed);
      }
      if (parsed.image !== undefined) throw modeOnly('options.image', "run mode (an instance type such as 'run:gpu.a100')", name);
      return vm.create(type, parsed);
    },

    async getResourceStatus(id: string, options: CallOptions = {}): Promise<ResourceStatus> {
      checkId(id);
      throwIfAborted(options.signal, name);
      return isRunResourceId(id) ? runs.status(id) : vm.status(id, options.signal);
    },

    async listResources(filter: ResourceFilter = {}, options: CallOptions = {}): Promise<ResourceStatus[]> {
      const parsed = parseInput(resourceFilterSchema, filter, 'filter', name);
      throwIfAborted(options.signal, name);
      const ids = parsed.ids;
      const wantsVms = ids === undefined || ids.some((id) => !isRunResourceId(id));
      const all = [...(wantsVms ? await vm.list(parsed, options.signal) : []), ...runs.list()];
      return all
        .filter((status) => matchesFilter(status, parsed));
    },

    train: (id, job, options) => (isRunResourceId(id) ? runs.train(id, job, options) : vmJobs.train(id, job, options)),
    getJobStatus: (id, jobId, options) => (isRunResourceId(id) ? runs.getJobStatus(id, jobId, options) : vmJobs.getJobStatus(id, jobId, options)),
    cancelJob: (id, jobId, options) => (isRunResourceId(id) ? runs.cancelJob(id, jobId, options) : vmJobs.cancelJob(id, jobId, options)),
    monitor: (id, options) => (isRunResourceId(id) ? runs.monitor(id, options) : vmJobs.monitor(id, options)),
    download: (id, remotePath, localPath, options) => (isRunResourceId(id) ? runs.download(id, remotePath, localPath, options) : vmJobs.download(id, remotePath, localPath, options)),

    async terminate(id: string, options: CallOptions = {}): Promise<void> {
      checkId(id);
      throwIfAborted(options.signal, name);
      if (isRunResourceId(id)) await runs.terminate(id, options);
      else await vm.terminate(id, options.signal);
    },

    async estimateCost(instanceType: string, hours: number, options: CallOptions = {}): Promise<CostEstimate> {
      parseInput(hoursSchema, hours, 'hours', name);
      const type = parseInstanceType(instanceType, name);
      const quote = await prices.quote(type, options.signal);
      if (quote === undefined) {
        throw new RunctlError({
          code: 'NOT_FOUND',
          provider: name,
          message: `No price is known for Lyceum ${formatInstanceType(type)}: GET /machine-types does not list it and the bundled table has no entry.`,
        });
      }
      const estimate: CostEstimate = {
        provider: name,
        instanceType: formatInstanceType(type),
        hours,
        costPerHour: quote.costPerHour,
        total: quote.costPerHour * hours,
        currency: 'USD',
        source: quote.source,
        asOf: quote.asOf,
      };
      if (quote.spotCostPerHour !== undefined) estimate.spotCostPerHour = quote.spotCostPerHour;
      return estimate;
    },

    close: () => plane.closeAll(),
  };
}

function modeOnly(field: string, mode: string, provider: string): InvalidInputError {
  return new InvalidInputError({ field, provider, message: `Invalid ${field}: it only applies in ${mode}.` });
}
