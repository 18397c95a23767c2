import type { ServerResponse } from 'node:http';
import { randomInt } from './seeded-random.ts';

/** Pacing of {@link UnevenWriter}. */
export interface UnevenWriteSettings {
  random: () => number;
  /** Pause after each write, so each chunk reaches the client as its own read. */
  gapMs: number;
  /** Largest chunk in bytes. */
  maxChunk: number;
}

/**
 * Writes queued bytes to a response in small chunks of random size, so SSE
 * frames, lines and even UTF-8 characters are split across TCP writes the way
 * proxies and slow networks split them.
 */
export class UnevenWriter {
  readonly #response: ServerResponse;
  readonly #settings: UnevenWriteSettings;
  #queue: Buffer[] = [];
  #pumping = false;
  #ending: 'end' | 'reset' | undefined;

  constructor(response: ServerResponse, settings: UnevenWriteSettings) {
    this.#response = response;
    this.#settings = settings;
  }

  push(data: string | Buffer): void {
    if (this.#ending) return;
    this.#queue.push(typeof data === 'string' ? Buffer.from(data) : data);
    void this.#pump();
  }

  /** Ends the response after everything queued is written, cleanly or by destroying the socket. */
  finish(mode: 'end' | 'reset'): void {
    this.#ending ??= mode;
    void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        const bytes = Buffer.concat(this.#queue);
        this.#queue = [];
        for (let offset = 0; offset < bytes.length; ) {
          if (this.#response.destroyed) return;
          const size = randomInt(this.#settings.random, 1, this.#settings.maxChunk);
          this.#response.write(bytes.subarray(offset, offset + size));
          offset += size;
          await pause(this.#settings.gapMs);
        }
      }
      if (this.#ending === 'reset') this.#response.destroy();
      else if (this.#ending === 'end') this.#response.end();
    } finally {
      this.#pumping = false;
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
}
