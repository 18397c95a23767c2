import {
  InvalidInputError,
  RunctlError,
  strictCreateResourceOptionsSchema,
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
import { agentJobOperations, type AgentClient } from '@runctl/agent';
import type { ResourceRecord } from './host-workspaces.ts';
import { pickFreeHost } from './pick-free-host.ts';
import { SshHosts } from './ssh-hosts.ts';
import { hostOfResourceId, newResourceId } from './ssh-resource-id.ts';
import { resolveSshSettings, type ResolvedSshHost, type SshProviderSettings } from './ssh-settings.ts';

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
 * The provider for machines you already have, reached over SSH. A resource
 * is a workspace (`~/.runctl/workspaces/<id>`) on one configured host; a
 * host holds one resource at a time, recorded on the host itself so every
 * process agrees on what is free. Jobs run detached under the job agent,
 * so they outlive the connection. Nothing here ever powers a host off.
 *
 * @example
 * ```ts
 * const ssh = createSsh({
 *   hosts: [{ name: 'box1', host: '10.0.0.5', user: 'ml', privateKey: '~/.ssh/id_ed25519', instanceType: 'a100', costPerHour: 1.1 }],
 * });
 * const resource = await ssh.createResource('a100');
 * const job = await ssh.train(resource.id, { command: ['python3', 'train.py'], workdir: '.' });
 * for await (const event of ssh.monitor(resource.id, { jobId: job.jobId })) {
 *   if (event.type === 'log') console.log(event.line);
 * }
 * await ssh.terminate(resource.id);
 * ```
 */
export function createSsh(settings: SshProviderSettings): TrainingProvider {
  const resolved = resolveSshSettings(settings);
  const name = resolved.name;
  const hosts = new SshHosts(resolved);

  /** A resource's live record; `NOT_FOUND` if it never existed, `INVALID_STATE` once terminated. */
  const liveRecord = async (id: string, signal?: AbortSignal): Promise<{ host: ResolvedSshHost; record: ResourceRecord }> => {
    const host = hosts.hostOf(id);
    const record = await hosts.workspaces(host).read(id, signal);
    if (record === undefined) throw notFound(id, host);
    if (record.terminatedAt !== undefined) {
      throw new RunctlError({ code: 'INVALID_STATE', provider: name, message: `ssh resource ${id} was terminated at ${record.terminatedAt}.`, hint: 'Create a new resource.' });
    }
    return { host, record };
  };

  const agentFor = async (id: string, signal?: AbortSignal): Promise<AgentClient> => {
    throwIfAborted(signal, name);
    const { host } = await liveRecord(id, signal);
    return hosts.agent(host, await hosts.workspaces(host).root(signal), id);
  };

  const jobs = agentJobOperations({
    provider: name,
    agentFor,
    async resourceLost(id, signal) {
      const host = hosts.hostOf(id);
      const record = await hosts.workspaces(host).read(id, signal);
      if (record !== undefined && record.terminatedAt === undefined) return undefined;
      return { reason: 'resource-lost', message: `ssh resource ${id} on ${host.name} was terminated while it was being followed.` };
    },
    invalidate(id) {
      const name = hostOfResourceId(id);
      const host = hosts.all.find((candidate) => candidate.name === name);
      if (host !== undefined) void hosts.reconnect(host);
    },
  });

  const notFound = (id: string, host: ResolvedSshHost): RunctlError =>
    new RunctlError({ code: 'NOT_FOUND', provider: name, message: `No ssh resource ${id} on ${host.name} (${host.user}@${host.host}:${host.port}).` });

  return {
    name,
    specificationVersion: 'v1',
    capabilities: CAPABILITIES,
    ...jobs,

    async createResource(instanceType: string, options: CreateResourceOptions = {}): Promise<ResourceStatus> {
      const parsed = parseInput(strictCreateResourceOptionsSchema, options, 'options', name);
      if (parsed.spot === true) throw new InvalidInputError({ field: 'options.spot', provider: name, message: 'Invalid options.spot: ssh hosts are never interruptible.' });
      const candidates = hosts.matching(instanceType);
      if (candidates.length === 0) throw unknownInstanceType(instanceType);
      throwIfAborted(parsed.signal, name);
      const now = new Date();
      const expiresAt = parsed.maxLifetime === undefined ? undefined : new Date(now.getTime() + parsed.maxLifetime);
      const { host, record } = await pickFreeHost(hosts, candidates, instanceType, (candidate) => {
        const id = newResourceId(candidate.name);
        const resourceName = parsed.name ?? id.slice(0, id.indexOf('@'));
        return {
          id,
          name: resourceName,
          host: candidate.name,
          instanceType: candidate.instanceType ?? instanceType,
          createdAt: now.toISOString(),
          tags: { ...parsed.tags, ...managedTags({ name: resourceName, createdAt: now, expiresAt }) },
          ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
        };
      }, parsed.signal);
      return hosts.workspaces(host).toStatus(record);
    },

    async getResourceStatus(id: string, options: CallOptions = {}): Promise<ResourceStatus> {
      parseInput(resourceIdSchema, id, 'id', name);
      throwIfAborted(options.signal, name);
      const host = hosts.hostOf(id);
      const record = await hosts.workspaces(host).read(id, options.signal);
      if (record === undefined) throw notFound(id, host);
      return hosts.workspaces(host).toStatus(record);
    },

    async listResources(filter: ResourceFilter = {}, options: CallOptions = {}): Promise<ResourceStatus[]> {
      const parsed = parseInput(resourceFilterSchema, filter, 'filter', name);
      throwIfAborted(options.signal, name);
      const named = new Set(parsed.ids?.map(hostOfResourceId));
      const wanted = parsed.ids === undefined ? hosts.all : hosts.all.filter((host) => named.has(host.name));
      const statuses = await listRecords(hosts, wanted, options.signal);
      return statuses
        .filter((status) => matchesFilter(status, parsed));
    },

    async terminate(id: string, options: CallOptions = {}): Promise<void> {
      parseInput(resourceIdSchema, id, 'id', name);
      throwIfAborted(options.signal, name);
      const host = hosts.hostOf(id);
      const workspaces = hosts.workspaces(host);
      const record = await workspaces.read(id, options.signal);
      if (record === undefined) throw notFound(id, host);
      if (record.terminatedAt !== undefined) return;
      const agent = hosts.agent(host, await workspaces.root(options.signal), id);
      const running = (await agent.listJobs(options.signal)).filter((job) => job.state === 'running' || job.state === 'queued');
      await Promise.all(running.map((job) => agent.cancel(job.jobId, { graceMs: 2_000, ...(options.signal ? { signal: options.signal } : {}) })));
      await workspaces.release(record, options.signal);
      hosts.forgetAgent(id);
    },

    async estimateCost(instanceType: string, hours: number, options: CallOptions = {}): Promise<CostEstimate> {
      parseInput(hoursSchema, hours, 'hours', name);
      throwIfAborted(options.signal, name);
      const candidates = hosts.matching(instanceType);
      if (candidates.length === 0) throw unknownInstanceType(instanceType);
      const costPerHour = Math.min(...candidates.map((host) => host.costPerHour));
      return { provider: name, instanceType, hours, costPerHour, total: costPerHour * hours, currency: 'USD', source: 'configured', asOf: new Date() };
    },
  };

  function unknownInstanceType(instanceType: string): InvalidInputError {
    const known = [...new Set(hosts.all.flatMap((host) => [host.instanceType, ...host.labels].filter((value): value is string => value !== undefined)))];
    return new InvalidInputError({
      field: 'instanceType',
      provider: name,
      message: `Invalid instanceType: no configured host has instance type, label or name ${JSON.stringify(instanceType)}. Configured: ${known.length > 0 ? known.join(', ') : hosts.all.map((host) => host.name).join(', ')}.`,
    });
  }
}

/** Every resource on the given hosts, one listing per workspaces folder; fails if any host cannot be reached. */
async function listRecords(hosts: SshHosts, wanted: readonly ResolvedSshHost[], signal: AbortSignal | undefined): Promise<ResourceStatus[]> {
  const outcomes = await Promise.allSettled(wanted.map(async (host) => ({ host, listing: await hosts.workspaces(host).list(signal) })));
  const failed = outcomes.flatMap((outcome, index) => (outcome.status === 'rejected' ? [{ host: wanted[index] as ResolvedSshHost, error: outcome.reason as unknown }] : []));
  if (failed.length > 0) {
    const first = failed[0]?.error;
    throw new RunctlError({
      code: 'PROVIDER',
      provider: hosts.provider,
      retryable: failed.every(({ error }) => RunctlError.isInstance(error) && error.retryable),
      message: `Could not list resources on ${failed.map(({ host, error }) => `${host.name} (${error instanceof Error ? error.message : String(error)})`).join('; ')}.`,
      cause: first,
    });
  }
  const byId = new Map<string, ResourceStatus>();
  for (const outcome of outcomes) {
    if (outcome.status !== 'fulfilled') continue;
    const { host, listing } = outcome.value;
    // Hosts sharing a folder on one machine see each other's records: keep each with its own host.
    for (const record of [...listing.terminated, ...listing.live].filter((candidate) => candidate.host === host.name)) {
      byId.set(record.id, hosts.workspaces(host).toStatus(record));
    }
  }
  return [...byId.values()];
}
