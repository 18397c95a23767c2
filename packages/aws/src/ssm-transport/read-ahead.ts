import type { ReadFrame } from './ssm-frames.ts';

/** A file read recently, and where its next read will likely start. */
interface HotFile {
  next: number;
  usedAt: number;
}

/** Bytes captured for one file by the last command. */
interface Capture {
  offset: number;
  frame: ReadFrame;
}

const HOT_FOR_MS = 30_000;
const MAX_HOT = 4;

/**
 * Read-ahead for log following over SSM. Each SSM command costs a round
 * trip of a second or so, and a follow round is a stat of `exit_code` and
 * then reads of the timeline, stdout and stderr. So the stat command also
 * reads the files read recently, from where their last read ended, and
 * those reads are answered without another command.
 *
 * Correctness: a capture is used only if its command ran alone (no other
 * command of this transport overlapped it), and only until the next command
 * starts. Every served capture was therefore taken after every earlier
 * command finished, in particular after the stat that told the follower
 * whether the job had ended, so "ended and read to the end" still means the
 * log is complete.
 */
export class ReadAhead {
  readonly #hot = new Map<string, HotFile>();
  readonly #running = new Set<{ overlapped: boolean }>();
  #captures = new Map<string, Capture>();

  /** Where to read ahead: up to `budget` bytes split over the hot files. */
  plan(budget: number): Array<{ path: string; offset: number; length: number }> {
    const now = Date.now();
    for (const [path, hot] of this.#hot) if (now - hot.usedAt > HOT_FOR_MS) this.#hot.delete(path);
    const hot = [...this.#hot].sort((a, b) => b[1].usedAt - a[1].usedAt).slice(0, MAX_HOT);
    if (hot.length === 0) return [];
    const each = Math.floor(budget / hot.length);
    return hot.map(([path, file]) => ({ path, offset: file.next, length: each }));
  }

  /** A command starts: captures are void from now on. Returns the command's token. */
  begin(): { overlapped: boolean } {
    this.#captures = new Map();
    const token = { overlapped: this.#running.size > 0 };
    for (const other of this.#running) other.overlapped = true;
    this.#running.add(token);
    return token;
  }

  /** A command ended; a command that ran alone keeps its captures. */
  end(token: { overlapped: boolean }, captures: ReadonlyArray<{ path: string; offset: number; frame: ReadFrame }> = []): void {
    this.#running.delete(token);
    if (token.overlapped) return;
    for (const capture of captures) this.#captures.set(capture.path, { offset: capture.offset, frame: capture.frame });
  }

  /**
   * The answer to a read of `length` bytes at `offset`, if a capture holds
   * it: enough bytes, or everything up to what was then the end of the file.
   */
  take(path: string, offset: number, length: number): ReadFrame | undefined {
    const capture = this.#captures.get(path);
    if (capture === undefined || capture.offset !== offset) return undefined;
    const { frame } = capture;
    const reachesEnd = frame.kind !== 'ok' || offset + frame.data.length >= frame.size;
    if (frame.data.length < length && !reachesEnd) return undefined;
    this.#captures.delete(path);
    return frame.data.length > length ? { ...frame, data: frame.data.subarray(0, length) } : frame;
  }

  /** Records a read that returned `bytes` bytes from `offset`. */
  noteRead(path: string, offset: number, bytes: number): void {
    this.#hot.delete(path);
    this.#hot.set(path, { next: offset + bytes, usedAt: Date.now() });
  }
}
