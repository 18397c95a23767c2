import { abortError } from '@runctl/core';
import { isChannelLimit } from './ssh-errors.ts';

/**
 * Counts the session channels open on one connection. sshd refuses channels
 * past its MaxSessions (10 by default); waiting here instead keeps bursts of
 * commands from failing.
 */
export class ChannelSlots {
  #capacity: number;
  #used = 0;
  #pinned = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get used(): number {
    return this.#used;
  }

  /** Slots held by channels that stay open for the connection's life (the SFTP control channel). */
  get pinned(): number {
    return this.#pinned;
  }

  /** Marks one used slot as long-lived (or, with -1, no longer). */
  pin(delta: 1 | -1): void {
    this.#pinned = Math.max(0, this.#pinned + delta);
  }

  /** Waits for a free slot; the caller must {@link release} it. */
  async acquire(signal?: AbortSignal): Promise<void> {
    while (this.#used >= this.#capacity) {
      if (signal?.aborted) throw abortError(signal);
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          const index = this.#waiting.indexOf(wake);
          if (index >= 0) this.#waiting.splice(index, 1);
          reject(abortError(signal as AbortSignal));
        };
        const wake = (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        this.#waiting.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    this.#used++;
  }

  /** Takes a free slot if there is one right now; never waits. */
  tryAcquire(): boolean {
    if (this.#used >= this.#capacity) return false;
    this.#used++;
    return true;
  }

  release(): void {
    this.#used = Math.max(0, this.#used - 1);
    this.#waiting.shift()?.();
  }

  /**
   * Opens a channel in a slot, which `open`'s channel then holds until it
   * closes. When the server refuses for its MaxSessions, the limit is learnt
   * and, if other closable channels are open, this waits for one of them
   * rather than failing. An `optional` channel never waits: it is opened only
   * if a slot is free right now. `canRetry` vetoes waiting (e.g. a closed connection).
   */
  async open<T>(open: () => Promise<T>, options: { signal?: AbortSignal | undefined; optional?: boolean; canRetry?: () => boolean } = {}): Promise<T> {
    for (;;) {
      if (!options.optional) await this.acquire(options.signal);
      else if (!this.tryAcquire()) throw new Error('no free session slot');
      try {
        return await open();
      } catch (error) {
        this.release();
        if (!isChannelLimit(error)) throw error;
        const waitable = this.#used - this.#pinned > 0;
        if (this.#used > 0) this.shrinkTo(this.#used);
        if (options.optional || !waitable || options.canRetry?.() === false) throw error;
      }
    }
  }

  /** The server refused a channel while `used` were open: never ask for more than that again. */
  shrinkTo(limit: number): void {
    this.#capacity = Math.max(this.#pinned + 1, Math.min(this.#capacity, limit));
  }

  /** Wakes every waiter: the connection is gone, and their next step fails with a retryable error. */
  drain(): void {
    for (const wake of this.#waiting.splice(0)) wake();
  }
}
