import { RunctlError } from '@runctl/core';
import { AgentClient, createSshTransport, type Transport } from '@runctl/agent';
import { HostWorkspaces } from './host-workspaces.ts';
import { hostOfResourceId } from './ssh-resource-id.ts';
import type { ResolvedSshHost, ResolvedSshSettings } from './ssh-settings.ts';

/**
 * Log following reads a stream per round and each read is a network round
 * trip here, so rounds must carry a lot: 1 MiB per read instead of the
 * local default.
 */

/**
 * The configured hosts and, per host, one lazily opened SSH transport (so
 * every resource and job on a host shares one connection) and its records.
 */
export class SshHosts {
  readonly provider: string;
  readonly all: readonly ResolvedSshHost[];
  readonly #settings: ResolvedSshSettings;
  readonly #workspaces = new Map<string, HostWorkspaces>();
  readonly #agents = new Map<string, AgentClient>();

  constructor(settings: ResolvedSshSettings) {
    this.#settings = settings;
    this.provider = settings.name;
    this.all = settings.hosts;
  }

  /** Hosts whose name, instance type or labels match what `createResource` was asked for. */
  matching(wanted: string): ResolvedSshHost[] {
    return this.all.filter((host) => host.instanceType === wanted || host.labels.includes(wanted) || host.name === wanted);
  }

  /** The host of a resource id; `NOT_FOUND` for ids that are not this provider's. */
  hostOf(id: string): ResolvedSshHost {
    const name = hostOfResourceId(id);
    const host = name === undefined ? undefined : this.all.find((candidate) => candidate.name === name);
    if (host === undefined) {
      throw new RunctlError({
        code: 'NOT_FOUND',
        provider: this.provider,
        message: name === undefined ? `No ssh resource ${JSON.stringify(id.slice(0, 80))}: not an ssh resource id.` : `No ssh resource ${id}: no host named ${name} is configured.`,
      });
    }
    return host;
  }

  workspaces(host: ResolvedSshHost): HostWorkspaces {
    let workspaces = this.#workspaces.get(host.name);
    if (workspaces === undefined) {
      workspaces = new HostWorkspaces(host, this.#transport(host), this.provider);
      this.#workspaces.set(host.name, workspaces);
    }
    return workspaces;
  }

  /** The job agent of a resource's workspace (cached per resource). */
  agent(host: ResolvedSshHost, root: string, id: string): AgentClient {
    let agent = this.#agents.get(id);
    if (agent === undefined) {
      agent = new AgentClient({ transport: this.workspaces(host).transport, workspace: `${root}/${id}`, provider: this.provider });
      this.#agents.set(id, agent);
    }
    return agent;
  }

  forgetAgent(id: string): void {
    this.#agents.delete(id);
  }

  /** Drops a host's connection after a failure; the next call reconnects. */
  async reconnect(host: ResolvedSshHost): Promise<void> {
    await this.#workspaces.get(host.name)?.transport.close();
  }

  #transport(host: ResolvedSshHost): Transport {
    return createSshTransport({
      host: host.host,
      port: host.port,
      username: host.user,
      ...(host.privateKey === undefined ? {} : { privateKey: host.privateKey }),
      ...(host.passphrase === undefined ? {} : { passphrase: host.passphrase }),
      ...(host.agent === undefined ? {} : { agent: host.agent }),
      ...(host.knownHosts === undefined ? {} : { knownHosts: host.knownHosts }),
      hostKeyPolicy: host.hostKeyPolicy,
      ...(this.#settings.connectTimeout === undefined ? {} : { connectTimeout: this.#settings.connectTimeout }),
      provider: this.provider,
    });
  }
}
