import { abortError } from '@runctl/core';

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

  /** The server refused a channel while `used` were open: never ask for more than that again. */
  shrinkTo(limit: number): void {
    this.#capacity = Math.max(this.#pinned + 1, Math.min(this.#capacity, limit));
  }

  /** Wakes every waiter: the connection is gone, and their next step fails with a retryable error. */
  drain(): void {
    for (const wake of this.#waiting.splice(0)) wake();
  }
}
