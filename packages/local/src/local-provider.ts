import {
  InvalidInputError,
  RunctlError,
  strictCreateResourceOptionsSchema,
  durationSchema,
  hoursSchema,
  managedTags,
  parseInput,
  resourceFilterSchema,
  resourceIdSchema,
  throwIfAborted,
  type CallOptions,
  type CostEstimate,
  type CreateResourceOptions,
  type ProviderCapabilities,
  type ResourceFilter,
  type ResourceStatus,
  type TrainingProvider,
  matchesFilter
} from '@runctl/core';
import { AgentClient, agentJobOperations, createLocalTransport } from '@runctl/agent';
import { LocalResourceStore } from './local-resource-store.ts';
import { defaultLocalRoot, type LocalProviderSettings } from './local-settings.ts';

const CAPABILITIES: ProviderCapabilities = {
  spot: false,
  stop: false,
  multiNode: false,
  logCursor: true,
  download: true,
  maxRuntime: true,
  tags: true,
};


/**
 * The provider for this machine, and the default one: no cloud, no
 * credentials, cost 0. A resource is a workspace folder under `root`; jobs
 * run detached through the job agent, so they outlive the calling process.
 *
 * @example
 * ```ts
 * const local = createLocal();
 * const resource = await local.createResource('local', { name: 'try-it' });
 * const job = await local.train(resource.id, { command: ['python3', 'train.py'], workdir: '.' });
 * for await (const event of local.monitor(resource.id, { jobId: job.jobId })) {
 *   if (event.type === 'log') console.log(event.line);
 * }
 * await local.terminate(resource.id);
 * ```
 */
export function createLocal(settings: LocalProviderSettings = {}): TrainingProvider {
  const name = settings.name ?? 'local';
  let store: LocalResourceStore | undefined;
  // The root is read lazily, so importing and creating the provider touch nothing.
  const resources = (): LocalResourceStore => (store ??= new LocalResourceStore(settings.root ?? defaultLocalRoot(), name));
  const transport = createLocalTransport();
  const agents = new Map<string, AgentClient>();

  const agentFor = async (id: string, signal?: AbortSignal): Promise<AgentClient> => {
    throwIfAborted(signal, name);
    const record = await resources().require(id);
    if (record.terminatedAt !== undefined) {
      throw new RunctlError({ code: 'INVALID_STATE', provider: name, message: `Local resource ${id} was terminated at ${record.terminatedAt}.`, hint: 'Create a new resource.' });
    }
    let agent = agents.get(id);
    if (agent === undefined) agents.set(id, (agent = new AgentClient({ transport, workspace: resources().workspace(id), provider: name })));
    return agent;
  };

  const killGraceMs = settings.killGrace === undefined ? undefined : parseInput(durationSchema, settings.killGrace, 'settings.killGrace', name);
  const jobs = agentJobOperations({ provider: name, agentFor, ...(killGraceMs === undefined ? {} : { killGraceMs }) });

  return {
    name,
    specificationVersion: 'v1',
    capabilities: CAPABILITIES,
    ...jobs,

    async createResource(instanceType: string, options: CreateResourceOptions = {}): Promise<ResourceStatus> {
      const parsed = parseInput(strictCreateResourceOptionsSchema, options, 'options', name);
      if (instanceType !== 'local') {
        throw new InvalidInputError({ field: 'instanceType', provider: name, message: `Invalid instanceType: the local provider only has 'local', not ${JSON.stringify(instanceType)}.` });
      }
      throwIfAborted(parsed.signal, name);
      const store = resources();
      const id = store.newId();
      const now = new Date();
      const resourceName = parsed.name ?? id;
      const expiresAt = parsed.maxLifetime === undefined ? undefined : new Date(now.getTime() + parsed.maxLifetime);
      const record = {
        id,
        name: resourceName,
        createdAt: now.toISOString(),
        tags: { ...parsed.tags, ...managedTags({ name: resourceName, createdAt: now, expiresAt }) },
        ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
      };
      await store.create(record);
      return store.toStatus(record);
    },

    async getResourceStatus(id: string, options: CallOptions = {}): Promise<ResourceStatus> {
      parseInput(resourceIdSchema, id, 'id', name);
      throwIfAborted(options.signal, name);
      return resources().toStatus(await resources().require(id));
    },

    async listResources(filter: ResourceFilter = {}, options: CallOptions = {}): Promise<ResourceStatus[]> {
      const parsed = parseInput(resourceFilterSchema, filter, 'filter', name);
      throwIfAborted(options.signal, name);
      return (await resources().list())
        .map((record) => resources().toStatus(record))
        .filter((status) => matchesFilter(status, parsed));
    },

    async terminate(id: string, options: CallOptions = {}): Promise<void> {
      parseInput(resourceIdSchema, id, 'id', name);
      throwIfAborted(options.signal, name);
      const record = await resources().require(id);
      if (record.terminatedAt !== undefined) return;
      const agent = await agentFor(id, options.signal);
      const running = (await agent.listJobs(options.signal)).filter((job) => job.state === 'running' || job.state === 'queued');
      await Promise.all(running.map((job) => agent.cancel(job.jobId, { graceMs: killGraceMs ?? 2_000 })));
      agents.delete(id);
      await resources().remove(record);
    },

    async estimateCost(instanceType: string, hours: number, options: CallOptions = {}): Promise<CostEstimate> {
      parseInput(hoursSchema, hours, 'hours', name);
      throwIfAborted(options.signal, name);
      return { provider: name, instanceType, hours, costPerHour: 0, total: 0, currency: 'USD', source: 'free', asOf: new Date() };
    },
  };
}
