import { Buffer, isUtf8 } from 'node:buffer';

/** One line cut out of a byte stream by {@link LineSplitter}. */
export interface SplitLine {
  /** Decoded text without its terminator. Invalid UTF-8 becomes U+FFFD; see `bytes`. */
  text: string;
  /** The exact bytes of the line, present only when they are not valid UTF-8. */
  bytes?: Uint8Array;
  /** Stream offset just past this line and its terminator. */
  end: number;
  /** Ended by a lone `\r`: a progress update that overwrites the previous line. */
  progress: boolean;
  /** Cut before its end (too long, or flushed while incomplete); the rest follows. */
  continued: boolean;
}

/** Options of {@link LineSplitter}. */
export interface LineSplitterOptions {
  /** Lines longer than this many bytes are cut into continued pieces (default 64 KiB). */
  maxLineBytes?: number;
  /** Stream offset of the first byte pushed (default 0). */
  startOffset?: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines, whatever the chunk boundaries.
 *
 * - `\n` and `\r\n` end a line; a lone `\r` ends a progress update.
 * - Multi-byte UTF-8 characters split across chunks are rejoined.
 * - Lines over `maxLineBytes` become several events with `continued: true`,
 *   cut on character boundaries, so no byte is ever dropped.
 * - Every line records the stream offset just past it, which makes exact cursors.
 *
 * @example
 * ```ts
 * const splitter = new LineSplitter();
 * splitter.push(Buffer.from('epoch 1\r\nloss: 0.5\rloss: 0.4\n')).map((l) => l.text);
 * // ['epoch 1', 'loss: 0.5', 'loss: 0.4']
 * ```
 */
export class LineSplitter {
  readonly maxLineBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** A `\r` ended the last chunk; whether it starts `\r\n` is not known yet. */
  #pendingCr = false;
  #offset: number;

  constructor(options: LineSplitterOptions = {}) {
    this.maxLineBytes = Math.max(4, options.maxLineBytes ?? 65_536);
    this.#offset = options.startOffset ?? 0;
  }

  /** Offset of the first byte not yet returned in a line. */
  get consumedOffset(): number {
    return this.#offset - this.#pendingBytes - (this.#pendingCr ? 1 : 0);
  }

  /** Bytes held back waiting for a line terminator. */
  get pendingBytes(): number {
    return this.#pendingBytes + (this.#pendingCr ? 1 : 0);
  }

  /** Feeds bytes; returns every line they complete. */
  push(chunk: Uint8Array): SplitLine[] {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const lines: SplitLine[] = [];
    const chunkStart = this.#offset;
    this.#offset += buffer.length;
    let position = 0;
    if (this.#pendingCr) {
      this.#pendingCr = false;
      if (buffer.length > 0 && buffer[0] === LF) {
        position = 1;
        this.#emit(lines, Buffer.alloc(0), chunkStart + 1, 2, false, false, false);
      } else {
        this.#emit(lines, Buffer.alloc(0), chunkStart, 1, true, false, false);
      }
    }
    const chunkIsUtf8 = isUtf8(buffer);
    let nextLf = buffer.indexOf(LF, position);
    let nextCr = buffer.indexOf(CR, position);
    while (position < buffer.length) {
      if (nextLf !== -1 && nextLf < position) nextLf = buffer.indexOf(LF, position);
      if (nextCr !== -1 && nextCr < position) nextCr = buffer.indexOf(CR, position);
      const cut = nextLf === -1 ? nextCr : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
      if (cut === -1) {
        this.#hold(lines, buffer.subarray(position), chunkStart + position);
        break;
      }
      const body = buffer.subarray(position, cut);
      if (buffer[cut] === LF) {
        position = cut + 1;
        this.#emit(lines, body, chunkStart + position, 1, false, false, chunkIsUtf8);
      } else if (cut + 1 === buffer.length) {
        this.#hold(lines, body, chunkStart + position);
        this.#pendingCr = true;
        position = buffer.length;
      } else if (buffer[cut + 1] === LF) {
        position = cut + 2;
        this.#emit(lines, body, chunkStart + position, 2, false, false, chunkIsUtf8);
      } else {
        position = cut + 1;
        this.#emit(lines, body, chunkStart + position, 1, true, false, chunkIsUtf8);
      }
    }
    return lines;
  }

  /**
   * Returns what is held back as a line. With `final` (the stream ended) it is
   * a complete line; otherwise it is marked `continued`, for showing a line
   * that is still being written.
   */
  flush(options: { final?: boolean } = {}): SplitLine[] {
    const lines: SplitLine[] = [];
    const final = options.final ?? true;
    if (this.#pendingBytes === 0 && !this.#pendingCr) return lines;
    if (this.#pendingCr) {
      this.#pendingCr = false;
      this.#emit(lines, Buffer.alloc(0), this.#offset, 1, true, false, false);
    } else {
      this.#emit(lines, Buffer.alloc(0), this.#offset, 0, false, !final, false);
    }
    return lines;
  }

  /** Keeps an unterminated tail, cutting it if it grows past the cap. */
  #hold(lines: SplitLine[], tail: Buffer, tailStart: number): void {
    this.#pending.push(tail);
    this.#pendingBytes += tail.length;
    while (this.#pendingBytes > this.maxLineBytes) {
      const joined = Buffer.concat(this.#pending, this.#pendingBytes);
      const cut = utf8Boundary(joined, this.maxLineBytes);
      const head = joined.subarray(0, cut);
      const rest = joined.subarray(cut);
      this.#pending = [rest];
      this.#pendingBytes = rest.length;
      lines.push(toLine(head, tailStart + tail.length - rest.length, false, true, false));
    }
  }

  /**
   * Emits pending bytes plus `body` as one line ending at `end` (which counts
   * `terminator` bytes of line ending), cut into pieces when over the cap.
   */
  #emit(lines: SplitLine[], body: Buffer, end: number, terminator: number, progress: boolean, continued: boolean, knownUtf8: boolean): void {
    let whole = body;
    let utf8 = knownUtf8;
    if (this.#pendingBytes > 0) {
      whole = Buffer.concat([...this.#pending, body], this.#pendingBytes + body.length);
      this.#pending = [];
      this.#pendingBytes = 0;
      utf8 = false;
    }
    const textEnd = end - terminator;
    let start = 0;
    while (whole.length - start > this.maxLineBytes) {
      const cut = start + utf8Boundary(whole.subarray(start), this.maxLineBytes);
      lines.push(toLine(whole.subarray(start, cut), textEnd - (whole.length - cut), false, true, utf8));
      start = cut;
    }
    lines.push(toLine(whole.subarray(start), end, progress, continued, utf8));
  }
}

/** Largest cut ≤ `limit` that does not split a UTF-8 character. */
function utf8Boundary(buffer: Buffer, limit: number): number {
  let cut = Math.min(limit, buffer.length);
  for (let steps = 0; steps < 3 && cut > 0 && cut < buffer.length && ((buffer[cut] as number) & 0xc0) === 0x80; steps++) cut--;
  return cut === 0 ? Math.min(limit, buffer.length) : cut;
}

function toLine(bytes: Buffer, end: number, progress: boolean, continued: boolean, knownUtf8: boolean): SplitLine {
  const line: SplitLine = { text: bytes.toString('utf8'), end, progress, continued };
  if (!knownUtf8 && !isUtf8(bytes)) line.bytes = Uint8Array.prototype.slice.call(bytes);
  return line;
}
