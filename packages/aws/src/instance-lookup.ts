import type { Filter, Instance } from '@aws-sdk/client-ec2';
import { RUNCTL_TAGS, abortError } from '@runctl/core';
import type { AwsClients } from './aws-clients.ts';
import { awsError } from './aws-errors.ts';

/** Only instances runctl created are ever seen (or terminated) by the provider. */
export const MANAGED_FILTER: Filter = { Name: `tag:${RUNCTL_TAGS.managed}`, Values: ['true'] };

/** EC2 accepts at most 200 values per filter. */
const MAX_FILTER_VALUES = 200;
/** How long after our own launch an invisible instance is still taken as "just launched". */
const CONSISTENCY_WINDOW_MS = 5 * 60_000;

/**
 * Reads instances with DescribeInstances, batched: lookups of single ids
 * made in the same tick share one paginated call (N watched instances cost
 * one request per poll), and filters replace `InstanceIds` so an instance
 * that is not visible yet is simply absent instead of failing the call.
 *
 * EC2 is eventually consistent: right after RunInstances the new instance
 * may be invisible for a while. Instances this process launched are
 * remembered, and returned as launched while they are not yet visible.
 */
export class InstanceLookup {
  readonly #clients: AwsClients;
  readonly #provider: string;
  readonly #launched = new Map<string, { instance: Instance; at: number }>();
  #queue: Map<string, Array<{ resolve: (instance: Instance | undefined) => void; reject: (error: unknown) => void }>> | undefined;

  constructor(clients: AwsClients, provider: string) {
    this.#clients = clients;
    this.#provider = provider;
  }

  /** Records an instance RunInstances just returned. */
  remember(instance: Instance): void {
    if (instance.InstanceId === undefined) return;
    this.#launched.set(instance.InstanceId, { instance, at: Date.now() });
  }

  /** The instance as RunInstances returned it, while the launch is recent. */
  recentLaunch(id: string): Instance | undefined {
    const entry = this.#launched.get(id);
    if (entry === undefined) return undefined;
    if (Date.now() - entry.at > CONSISTENCY_WINDOW_MS) {
      this.#launched.delete(id);
      return undefined;
    }
    return entry.instance;
  }

  /**
   * The managed instance with this id: visible, else recently launched by
   * this process, else undefined. Concurrent calls share one request.
   */
  async get(id: string, signal?: AbortSignal): Promise<Instance | undefined> {
    const found = await this.#enqueue(id, signal);
    if (found !== undefined) {
      this.#launched.delete(id);
      return found;
    }
    return this.recentLaunch(id);
  }

  /**
   * Every managed instance matching `filters` (and, if given, one of `ids`),
   * following pagination. Up to 200 ids (EC2's limit per filter) travel as a
   * filter; beyond that one paginated listing of every managed instance,
   * filtered here, costs fewer calls than a call per 200 ids.
   */
  async list(filters: readonly Filter[], options: { ids?: readonly string[] | undefined; signal?: AbortSignal | undefined } = {}): Promise<Instance[]> {
    const { signal, ids } = options;
    if (ids !== undefined && ids.length === 0) return [];
    const { client, sdk } = await this.#clients.ec2();
    const byFilter = ids !== undefined && ids.length <= MAX_FILTER_VALUES;
    const idFilter = byFilter ? [{ Name: 'instance-id', Values: [...ids] }] : [];
    const wanted = ids === undefined || byFilter ? undefined : new Set(ids);
    const instances: Instance[] = [];
    try {
      const pages = sdk.paginateDescribeInstances({ client, pageSize: 1000, ...(signal ? { abortSignal: signal } : {}) }, { Filters: [MANAGED_FILTER, ...filters, ...idFilter] });
      for await (const page of pages) {
        for (const reservation of page.Reservations ?? []) {
          for (const instance of reservation.Instances ?? []) {
            if (wanted === undefined || wanted.has(instance.InstanceId ?? '')) instances.push(instance);
          }
        }
      }
    } catch (error) {
      throw awsError(error, { operation: 'DescribeInstances', provider: this.#provider, signal });
    }
    return instances;
  }

  #enqueue(id: string, signal?: AbortSignal): Promise<Instance | undefined> {
    if (signal?.aborted) return Promise.reject(abortError(signal, this.#provider));
    const result = new Promise<Instance | undefined>((resolve, reject) => {
      if (this.#queue === undefined) {
        this.#queue = new Map();
        setImmediate(() => void this.#flush());
      }
      const waiters = this.#queue.get(id) ?? [];
      waiters.push({ resolve, reject });
      this.#queue.set(id, waiters);
    });
    if (signal === undefined) return result;
    // The shared request goes on for the others; this caller stops waiting.
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(abortError(signal, this.#provider));
      signal.addEventListener('abort', onAbort, { once: true });
      result.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  async #flush(): Promise<void> {
    const queue = this.#queue;
    this.#queue = undefined;
    if (queue === undefined) return;
    try {
      const found = new Map<string, Instance>();
      for (const instance of await this.list([], { ids: [...queue.keys()] })) {
        if (instance.InstanceId !== undefined) found.set(instance.InstanceId, instance);
      }
      for (const [id, waiters] of queue) for (const waiter of waiters) waiter.resolve(found.get(id));
    } catch (error) {
      for (const waiters of queue.values()) for (const waiter of waiters) waiter.reject(error);
    }
  }
}
