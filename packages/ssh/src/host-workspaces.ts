import { RunctlError, type ResourceStatus } from '@runctl/core';
import type { Transport } from '@runctl/agent';
import type { ResolvedSshHost } from './ssh-settings.ts';
import { WORKSPACES_SCRIPT } from './workspaces-script.ts';

/** What is kept about a resource, in its workspace on the host (and as a tombstone after). */
export interface ResourceRecord {
  id: string;
  name: string;
  /** Name of the configured host. */
  host: string;
  instanceType: string;
  createdAt: string;
  tags: Record<string, string>;
  expiresAt?: string;
  terminatedAt?: string;
}

/**
 * The resource records of one host, kept on the host itself so every
 * process with the same settings sees the same resources and the same
 * busy hosts. Claims are serialized on the host by a lock folder.
 */
export class HostWorkspaces {
  readonly host: ResolvedSshHost;
  readonly transport: Transport;
  readonly provider: string;
  #root: Promise<string> | undefined;

  constructor(host: ResolvedSshHost, transport: Transport, provider: string) {
    this.host = host;
    this.transport = transport;
    this.provider = provider;
  }

  /** The absolute workspaces folder; `~/` is resolved against the login's home on the host. */
  root(signal?: AbortSignal): Promise<string> {
    this.#root ??= (async () => {
      const configured = this.host.workspaceRoot;
      if (configured.startsWith('/')) return configured.replace(/\/+$/, '') || '/';
      const home = await this.transport.realpath('.', signal ? { signal } : {});
      if (home === undefined) throw new RunctlError({ code: 'PROVIDER', provider: this.provider, message: `Could not find the home folder of ${this.host.user} on ${this.host.name}.` });
      return `${home.replace(/\/+$/, '')}${configured.slice(1)}`.replace(/\/+$/, '');
    })().catch((error: unknown) => {
      this.#root = undefined;
      throw error;
    });
    return this.#root;
  }

  /** Creates the workspace unless the host already has a live resource; returns the busy resource's id otherwise. */
  async claim(record: ResourceRecord, signal?: AbortSignal): Promise<{ claimed: true } | { claimed: false; busyWith: string }> {
    const root = await this.root(signal);
    const result = await this.#run(['claim', root, this.host.name, record.id, JSON.stringify(record)], signal, [0, 3]);
    const busy = /^busy (\S+)/m.exec(result);
    return busy === null ? { claimed: true } : { claimed: false, busyWith: busy[1] as string };
  }

  /** Live records and recent tombstones on this host (of every host name sharing the folder). */
  async list(signal?: AbortSignal): Promise<{ live: ResourceRecord[]; terminated: ResourceRecord[] }> {
    const output = await this.#run(['list', await this.root(signal)], signal);
    const live: ResourceRecord[] = [];
    const terminated: ResourceRecord[] = [];
    for (const line of output.split('\n')) {
      const record = parseRecord(line.slice(2));
      if (record === undefined) continue;
      if (line.startsWith('L ')) live.push(record);
      else if (line.startsWith('T ')) terminated.push(record);
    }
    return { live, terminated };
  }

  /** The live record, else the tombstone, else `undefined`. Reads over SFTP, without a shell. */
  async read(id: string, signal?: AbortSignal): Promise<ResourceRecord | undefined> {
    const root = await this.root(signal);
    return (await this.#readJson(`${this.workspace(root, id)}/.runctl/resource.json`, signal)) ?? (await this.#readJson(`${root}/.terminated/${id}.json`, signal));
  }

  /** Writes the tombstone and removes the workspace. */
  async release(record: ResourceRecord, signal?: AbortSignal): Promise<void> {
    const tombstone: ResourceRecord = { ...record, terminatedAt: new Date().toISOString() };
    await this.#run(['release', await this.root(signal), record.id, JSON.stringify(tombstone)], signal);
  }

  workspace(root: string, id: string): string {
    return `${root}/${id}`;
  }

  /** The status of a record of this host. */
  toStatus(record: ResourceRecord): ResourceStatus {
    const terminated = record.terminatedAt !== undefined;
    return {
      id: record.id,
      name: record.name,
      provider: this.provider,
      state: terminated ? 'terminated' : 'running',
      raw: terminated ? 'terminated' : 'ready',
      instanceType: record.instanceType,
      launchTime: new Date(record.createdAt),
      costPerHour: this.host.costPerHour,
      publicIp: this.host.host,
      tags: record.tags,
      ...(record.expiresAt ? { expiresAt: new Date(record.expiresAt) } : {}),
    };
  }

  async #run(args: readonly string[], signal: AbortSignal | undefined, okCodes: readonly number[] = [0]): Promise<string> {
    const result = await this.transport.exec(['sh', '-c', WORKSPACES_SCRIPT, 'runctl-workspaces', ...args], signal ? { signal } : {});
    if (!okCodes.includes(result.exitCode)) {
      throw new RunctlError({
        code: 'PROVIDER',
        provider: this.provider,
        message: `Managing workspaces on ${this.host.name} failed (${args[0]} exited ${result.exitCode}): ${result.stderr.toString('utf8').trim().slice(0, 300)}`,
      });
    }
    return result.stdout.toString('utf8');
  }

  async #readJson(path: string, signal: AbortSignal | undefined): Promise<ResourceRecord | undefined> {
    try {
      return parseRecord((await this.transport.readFile(path, signal ? { signal } : {})).toString('utf8'));
    } catch (error) {
      if (RunctlError.hasCode(error, 'NOT_FOUND')) return undefined;
      throw error;
    }
  }
}

function parseRecord(text: string): ResourceRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<ResourceRecord>;
    return typeof value.id === 'string' && typeof value.host === 'string' && typeof value.createdAt === 'string' ? (value as ResourceRecord) : undefined;
  } catch {
    return undefined;
  }
}
