import { Buffer, isAscii, isUtf8 } from 'node:buffer';

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

/** Receives lines from {@link LineSplitter.pushInto}, without an object per line. */
export type LineSink = (text: string, end: number, progress: boolean, continued: boolean, bytes: Uint8Array | undefined) => void;

/** Options of {@link LineSplitter}. */
export interface LineSplitterOptions {
  /** Lines longer than this many bytes are cut into continued pieces (default 64 KiB). */
  maxLineBytes?: number;
  /** Stream offset of the first byte pushed (default 0). */
  startOffset?: number;
}

const EMPTY = Buffer.alloc(0);
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
    const lines: SplitLine[] = [];
    this.pushInto(chunk, collectInto(lines));
    return lines;
  }

  /** Like {@link LineSplitter.push}, but hands each line to `sink` (for hot paths). */
  pushInto(chunk: Uint8Array, sink: LineSink): void {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const chunkStart = this.#offset;
    this.#offset += buffer.length;
    let position = 0;
    if (this.#pendingCr) {
      this.#pendingCr = false;
      if (buffer.length > 0 && buffer[0] === LF) {
        position = 1;
        this.#emit(sink, EMPTY, 0, 0, chunkStart + 1, 2, false, false, false);
      } else {
        this.#emit(sink, EMPTY, 0, 0, chunkStart, 1, true, false, false);
      }
    }
    const chunkIsAscii = isAscii(buffer);
    const chunkIsUtf8 = chunkIsAscii || isUtf8(buffer);
    let nextLf = buffer.indexOf(LF, position);
    let nextCr = buffer.indexOf(CR, position);
    // The ASCII fast path gives up (for the rest of the chunk) at a line over the cap.
    let fast = chunkIsAscii && nextCr === -1;
    while (position < buffer.length) {
      if (fast && this.#pendingBytes === 0) {
        position = this.#pushAscii(sink, buffer, position, chunkStart);
        if (position === buffer.length) break;
        fast = false;
        nextLf = buffer.indexOf(LF, position);
      }
      if (nextLf !== -1 && nextLf < position) nextLf = buffer.indexOf(LF, position);
      if (nextCr !== -1 && nextCr < position) nextCr = buffer.indexOf(CR, position);
      const cut = nextLf === -1 ? nextCr : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
      if (cut === -1) {
        this.#hold(sink, buffer.subarray(position), chunkStart + position);
        break;
      }
      const bodyStart = position;
      if (buffer[cut] === LF) {
        position = cut + 1;
        this.#emit(sink, buffer, bodyStart, cut, chunkStart + position, 1, false, false, chunkIsUtf8);
      } else if (cut + 1 === buffer.length) {
        this.#hold(sink, buffer.subarray(bodyStart, cut), chunkStart + bodyStart);
        this.#pendingCr = true;
        position = buffer.length;
      } else if (buffer[cut + 1] === LF) {
        position = cut + 2;
        this.#emit(sink, buffer, bodyStart, cut, chunkStart + position, 2, false, false, chunkIsUtf8);
      } else {
        position = cut + 1;
        this.#emit(sink, buffer, bodyStart, cut, chunkStart + position, 1, true, false, chunkIsUtf8);
      }
    }
  }

  /**
   * The common case, written for speed: ASCII text with `\n` endings only.
   * Decodes once and cuts in JavaScript, with no native call per line.
   * Returns where it stopped: the end, or the start of a line too long for it.
   */
  #pushAscii(sink: LineSink, buffer: Buffer, from: number, chunkStart: number): number {
    const text = buffer.toString('latin1', from);
    const base = chunkStart + from;
    let position = 0;
    for (;;) {
      const newline = text.indexOf('\n', position);
      if (newline === -1) {
        if (text.length - position > this.maxLineBytes) return from + position;
        this.#hold(sink, buffer.subarray(from + position), base + position);
        return buffer.length;
      }
      if (newline - position > this.maxLineBytes) return from + position;
      sink(text.slice(position, newline), base + newline + 1, false, false, undefined);
      position = newline + 1;
      if (position === text.length) return buffer.length;
    }
  }

  /**
   * Returns what is held back as a line. With `final` (the stream ended) it is
   * a complete line; otherwise it is marked `continued`, for showing a line
   * that is still being written.
   */
  flush(options: { final?: boolean } = {}): SplitLine[] {
    const lines: SplitLine[] = [];
    this.flushInto(collectInto(lines), options);
    return lines;
  }

  /** Like {@link LineSplitter.flush}, but hands each line to `sink`. */
  flushInto(sink: LineSink, options: { final?: boolean } = {}): void {
    const final = options.final ?? true;
    if (this.#pendingBytes === 0 && !this.#pendingCr) return;
    if (this.#pendingCr) {
      this.#pendingCr = false;
      this.#emit(sink, EMPTY, 0, 0, this.#offset, 1, true, false, false);
    } else {
      this.#emit(sink, EMPTY, 0, 0, this.#offset, 0, false, !final, false);
    }
  }

  /** Keeps an unterminated tail, cutting it if it grows past the cap. */
  #hold(sink: LineSink, tail: Buffer, tailStart: number): void {
    // Copied: callers may reuse their chunk buffer as soon as push returns.
    this.#pending.push(Buffer.from(tail));
    this.#pendingBytes += tail.length;
    while (this.#pendingBytes > this.maxLineBytes) {
      const joined = Buffer.concat(this.#pending, this.#pendingBytes);
      const cut = utf8Boundary(joined, this.maxLineBytes);
      const head = joined.subarray(0, cut);
      const rest = joined.subarray(cut);
      this.#pending = [rest];
      this.#pendingBytes = rest.length;
      toLine(sink, head, 0, head.length, tailStart + tail.length - rest.length, false, true, false);
    }
  }

  /**
   * Emits pending bytes plus `source[start, end)` as one line ending at stream
   * offset `lineEnd` (which counts `terminator` bytes), cut into pieces when
   * over the cap. The common case decodes straight from the chunk, allocating
   * nothing but the string.
   */
  #emit(
    sink: LineSink,
    source: Buffer,
    start: number,
    end: number,
    lineEnd: number,
    terminator: number,
    progress: boolean,
    continued: boolean,
    knownUtf8: boolean,
  ): void {
    let whole = source;
    let from = start;
    let to = end;
    let utf8 = knownUtf8;
    if (this.#pendingBytes > 0) {
      whole = Buffer.concat([...this.#pending, source.subarray(start, end)], this.#pendingBytes + end - start);
      from = 0;
      to = whole.length;
      this.#pending = [];
      this.#pendingBytes = 0;
      utf8 = false;
    }
    const textEnd = lineEnd - terminator;
    while (to - from > this.maxLineBytes) {
      const cut = from + utf8Boundary(whole.subarray(from, to), this.maxLineBytes);
      toLine(sink, whole, from, cut, textEnd - (to - cut), false, true, utf8);
      from = cut;
    }
    toLine(sink, whole, from, to, lineEnd, progress, continued, utf8);
  }
}

/** Largest cut ≤ `limit` that does not split a UTF-8 character. */
function utf8Boundary(buffer: Buffer, limit: number): number {
  let cut = Math.min(limit, buffer.length);
  for (let steps = 0; steps < 3 && cut > 0 && cut < buffer.length && ((buffer[cut] as number) & 0xc0) === 0x80; steps++) cut--;
  return cut === 0 ? Math.min(limit, buffer.length) : cut;
}

function toLine(sink: LineSink, source: Buffer, start: number, end: number, lineEnd: number, progress: boolean, continued: boolean, knownUtf8: boolean): void {
  const bytes = !knownUtf8 && !isUtf8(source.subarray(start, end)) ? Uint8Array.prototype.slice.call(source, start, end) : undefined;
  sink(source.toString('utf8', start, end), lineEnd, progress, continued, bytes);
}

function collectInto(lines: SplitLine[]): LineSink {
  return (text, end, progress, continued, bytes) => {
    const line: SplitLine = { text, end, progress, continued };
    if (bytes !== undefined) line.bytes = bytes;
    lines.push(line);
  };
}
