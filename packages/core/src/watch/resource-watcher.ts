import { EventEmitter } from 'eventemitter3';
import { RunctlError } from '../errors/runctl-error.ts';
import { toRunctlError } from '../errors/to-runctl-error.ts';
import type { TrainingProvider } from '../provider/training-provider.ts';
import type { ResourceId, ResourceStatus } from '../resource/resource-status.ts';

/** Events of a {@link ResourceWatcher}. */
export interface ResourceWatcherEvents {
  /** Every poll, for every watched resource. */
  state: [status: ResourceStatus];
  /** Only when a resource's state or raw state differs from the previous poll (or on the first poll). */
  change: [status: ResourceStatus, previous: ResourceStatus | undefined];
  /** A provider's poll failed; the watcher keeps going. */
  error: [error: RunctlError];
}

/** Options of {@link ResourceWatcher}. */
export interface ResourceWatcherOptions {
  /** Milliseconds between polls (default 5 000). */
  interval?: number;
  /** Aborting stops the watcher. */
  signal?: AbortSignal;
}

/**
 * Polls the status of many resources and emits events.
 *
 * Polling is batched: however many resources are watched on one provider,
 * each interval costs that provider one `listResources({ ids })` call.
 * A resource that reaches `terminated` is reported once, then dropped.
 *
 * @example
 * ```ts
 * const watcher = new ResourceWatcher({ interval: 2_000 });
 * watcher.on('change', (status, previous) => console.log(status.id, previous?.state, '→', status.state));
 * watcher.watch(provider, resource.id);
 * // later
 * watcher.stop();
 * ```
 */
export class ResourceWatcher extends EventEmitter<ResourceWatcherEvents> {
  readonly interval: number;
  readonly #targets = new Map<TrainingProvider, Set<ResourceId>>();
  readonly #last = new Map<string, ResourceStatus>();
  readonly #controller = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #polling: Promise<void> | undefined;

  constructor(options: ResourceWatcherOptions = {}) {
    super();
    this.interval = options.interval ?? 5_000;
    options.signal?.addEventListener('abort', () => this.stop(), { once: true });
    if (options.signal?.aborted) this.stop();
  }

  /** Starts watching a resource; polling begins with the first one. */
  watch(provider: TrainingProvider, id: ResourceId): this {
    if (this.stopped) return this;
    let ids = this.#targets.get(provider);
    if (ids === undefined) this.#targets.set(provider, (ids = new Set()));
    ids.add(id);
    if (this.#timer === undefined && this.#polling === undefined) this.#schedule(0);
    return this;
  }

  /** Stops watching a resource. */
  unwatch(provider: TrainingProvider, id: ResourceId): this {
    const ids = this.#targets.get(provider);
    ids?.delete(id);
    if (ids?.size === 0) this.#targets.delete(provider);
    this.#last.delete(key(provider, id));
    return this;
  }

  /** Number of resources being watched. */
  get size(): number {
    let total = 0;
    for (const ids of this.#targets.values()) total += ids.size;
    return total;
  }

  get stopped(): boolean {
    return this.#controller.signal.aborted;
  }

  /** Polls every provider once, now. Resolves when all have answered. */
  async poll(): Promise<void> {
    await Promise.all([...this.#targets.entries()].map(([provider, ids]) => this.#pollProvider(provider, [...ids])));
  }

  /** Stops polling and removes every listener. */
  stop(): void {
    if (this.stopped) return;
    this.#controller.abort();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#targets.clear();
    this.removeAllListeners();
  }

  #schedule(delay: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#polling = this.poll().finally(() => {
        this.#polling = undefined;
        if (!this.stopped && this.size > 0) this.#schedule(this.interval);
      });
    }, delay);
  }

  async #pollProvider(provider: TrainingProvider, ids: ResourceId[]): Promise<void> {
    if (ids.length === 0) return;
    const signal = this.#controller.signal;
    let statuses: ResourceStatus[];
    try {
      statuses = await provider.listResources({ ids }, { signal });
    } catch (error) {
      if (!this.stopped) this.emit('error', toRunctlError(error, provider.name));
      return;
    }
    const found = new Map(statuses.map((status) => [status.id, status]));
    // A list can omit resources that just vanished; ask for those one by one.
    for (const id of ids) {
      if (found.has(id)) continue;
      try {
        found.set(id, await provider.getResourceStatus(id, { signal }));
      } catch (error) {
        if (RunctlError.hasCode(error, 'NOT_FOUND')) found.set(id, vanished(provider, id, this.#last.get(key(provider, id))));
        else if (!this.stopped) this.emit('error', toRunctlError(error, provider.name));
      }
    }
    if (this.stopped) return;
    for (const id of ids) {
      const status = found.get(id);
      if (status !== undefined && this.#targets.get(provider)?.has(id)) this.#report(provider, status);
    }
  }

  #report(provider: TrainingProvider, status: ResourceStatus): void {
    const previous = this.#last.get(key(provider, status.id));
    this.#last.set(key(provider, status.id), status);
    this.emit('state', status);
    if (previous === undefined || previous.state !== status.state || previous.raw !== status.raw) {
      this.emit('change', status, previous);
    }
    if (status.state === 'terminated') this.unwatch(provider, status.id);
  }
}

function key(provider: TrainingProvider, id: ResourceId): string {
  return `${provider.name}\u0000${id}`;
}

function vanished(provider: TrainingProvider, id: ResourceId, last: ResourceStatus | undefined): ResourceStatus {
  return {
    id,
    name: last?.name ?? id,
    provider: provider.name,
    state: 'terminated',
    raw: 'not-found',
    message: 'The provider no longer knows this resource.',
    instanceType: last?.instanceType ?? 'unknown',
    costPerHour: 0,
    tags: last?.tags ?? {},
  };
}
