import type { FileHandle } from 'node:fs/promises';

/** Receives the written bytes in order (and may keep the buffers). */
export interface ChunkHash {
  update(chunk: Buffer): void;
}

/**
 * Writes chunks that arrive out of order (from parallel reads) strictly in
 * file order. The file on disk is therefore always an exact prefix of the
 * remote file, even after a crash, which is what makes resuming safe; and
 * the running hash sees the bytes in order.
 */
export class OrderedFileSink {
  readonly #file: FileHandle;
  readonly #hash: ChunkHash | undefined;
  readonly #pending = new Map<number, Buffer>();
  #written: number;
  #writing: Promise<void> = Promise.resolve();
  #failure: unknown;
  #abandoned = false;
  readonly #waiters: Array<() => void> = [];

  constructor(file: FileHandle, start: number, hash?: ChunkHash) {
    this.#file = file;
    this.#written = start;
    this.#hash = hash;
  }

  /** Bytes on disk: the resume point. */
  get written(): number {
    return this.#written;
  }

  /** Bytes held in memory waiting for an earlier chunk. */
  get buffered(): number {
    let total = 0;
    for (const chunk of this.#pending.values()) total += chunk.length;
    return total;
  }

  /** Accepts the chunk at `position`; it is written once everything before it is. */
  put(position: number, chunk: Buffer): void {
    if (this.#failure !== undefined) throw this.#failure;
    this.#pending.set(position, chunk);
    if (position === this.#written) this.#writing = this.#writing.then(() => this.#drain());
  }

  /** Resolves once the written prefix reaches `position`, or the transfer is abandoned. */
  async reach(position: number): Promise<void> {
    while (this.#written < position && this.#failure === undefined && !this.#abandoned) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Releases everyone waiting in {@link reach}: the transfer stopped. */
  abandon(): void {
    this.#abandoned = true;
    this.#wake();
  }

  /** Waits for queued writes; chunks past a gap stay unwritten (they are fetched again on resume). */
  async settle(): Promise<void> {
    await this.#writing;
    this.#pending.clear();
    if (this.#failure !== undefined) throw this.#failure;
  }

  async #drain(): Promise<void> {
    for (;;) {
      const batch: Buffer[] = [];
      let position = this.#written;
      for (let chunk = this.#pending.get(position); chunk !== undefined; chunk = this.#pending.get(position)) {
        this.#pending.delete(position);
        batch.push(chunk);
        position += chunk.length;
      }
      if (batch.length === 0) return;
      const chunks = [...batch];
      try {
        let offset = this.#written;
        for (let index = 0; index < batch.length; ) {
          const { bytesWritten } = await this.#file.writev(batch.slice(index), offset);
          // writev may stop short; skip what was written and go on.
          let left = bytesWritten;
          offset += bytesWritten;
          while (index < batch.length && left >= (batch[index] as Buffer).length) left -= (batch[index++] as Buffer).length;
          if (left > 0) batch[index] = (batch[index] as Buffer).subarray(left);
        }
      } catch (error) {
        this.#failure = error;
        this.#wake();
        return;
      }
      for (const chunk of chunks) this.#hash?.update(chunk);
      this.#written = position;
      this.#wake();
    }
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
