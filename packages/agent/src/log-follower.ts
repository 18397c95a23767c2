import { LineSplitter, flattenBatches, redactSecrets, sleep, throwIfAborted, type LineSink, type LogEvent, type LogLineEvent, type TrainingStatus } from '@runctl/core';
import { cursorPrefixOf, encodeCursor, type LogPosition } from './cursor.ts';
import { sharedReadSizes, type ReadSizeBudget } from './read-size-budget.ts';
import { Timeline } from './timeline.ts';

/** One of a job's two output files. */
export type StreamName = 'stdout' | 'stderr';

/** How the follower reaches one job's files; the agent client implements it over a transport. */
export interface JobLogSource {
  /** Up to `length` bytes of a stream from `offset`; empty when the file does not exist yet. */
  read(stream: StreamName | 'timeline', offset: number, length: number, signal?: AbortSignal): Promise<Buffer>;
  /** Whether the job's exit code has been recorded. */
  isFinished(signal?: AbortSignal): Promise<boolean>;
  /** Full status; `alive: false` means the supervisor died without an exit code. */
  status(signal?: AbortSignal): Promise<{ status: TrainingStatus; alive?: boolean }>;
  /** Releases open files; called when following ends, however it ends. */
  close?(): Promise<void>;
}

/** Tuning of {@link followJobLog}. */
export interface FollowOptions {
  position: LogPosition;
  follow: boolean;
  signal?: AbortSignal | undefined;
  /**
   * Bytes read per stream per round. Without it, reads start at 8 KiB and
   * double while a stream has a backlog, up to 64 KiB, within a budget shared
   * by every follower in the process: one busy follower makes few reads, and
   * a hundred busy ones stay small.
   */
  chunkBytes?: number;
  /** First and longest wait between polls when idle (default 10 ms and 500 ms). */
  minPollMs?: number;
  maxPollMs?: number;
  /** Show a line still being written once it has been idle this long (default 1 000 ms). */
  partialFlushMs?: number;
  /** How often an idle follower checks that the supervisor still lives (default 2 000 ms). */
  livenessMs?: number;
  maxLineBytes?: number;
  /** Where adaptive reads get room to grow (default: one budget for the whole process). */
  readSizes?: ReadSizeBudget;
}

interface StreamState {
  name: StreamName;
  splitter: LineSplitter;
  readOffset: number;
  /**
   * Lines read but not yet emitted, from `head` on (an index, since shift() is
   * O(n)). They are already the events to yield; `ends` holds each one's
   * stream offset, and the cursor and timestamp are filled in on emission.
   */
  queue: LogLineEvent[];
  ends: number[];
  head: number;
  sink: LineSink;
  /**
   * Read but not yet split. A chunk is split a slice at a time, as the
   * consumer drains the lines: the bytes wait outside the JS heap, and only a
   * slice's worth of line events is ever alive (see {@link SPLIT_SLICE_BYTES}).
   */
  unsplit: Buffer;
  /** Bytes the next read asks for, between minChunk and maxChunk. */
  chunkBytes: number;
  /** The last read returned less than asked: nothing more is readable right now. */
  atEnd: boolean;
  /** The last read found nothing new. */
  quiet: boolean;
  /** When the stream was last read. */
  lastRead: number;
  /** Finished job, fully read and flushed: nothing more will ever come. */
  done: boolean;
}

/**
 * Follows a job's stdout and stderr from a position, as log events ending
 * with an `exit` event. Memory stays bounded (one read per stream, turned
 * into events a slice at a time) and a slow consumer simply slows the reads:
 * nothing is dropped.
 *
 * Lines of the two streams are merged by the supervisor's timeline, so a
 * finished job's log reads in the same order every time, from any cursor.
 */
export function followJobLog(source: JobLogSource, options: FollowOptions): AsyncIterableIterator<LogEvent> {
  return flattenBatches(followJobLogBatches(source, options));
}

/**
 * {@link followJobLog} in batches: one array per read round. Layers inside
 * runctl pass batches, so only the outermost iterator pays a promise per event.
 */
export async function* followJobLogBatches(source: JobLogSource, options: FollowOptions): AsyncGenerator<LogEvent[]> {
  const { position, signal } = options;
  if (position.ended) return;
  const maxChunk = options.chunkBytes ?? MAX_ADAPTIVE_CHUNK_BYTES;
  const minChunk = options.chunkBytes ?? MIN_ADAPTIVE_CHUNK_BYTES;
  const readSizes = options.readSizes ?? sharedReadSizes;
  const minPoll = options.minPollMs ?? 10;
  const maxPoll = options.maxPollMs ?? 500;
  const partialFlushMs = options.partialFlushMs ?? 1_000;
  const livenessMs = options.livenessMs ?? 2_000;
  const consumed = { stdout: position.stdout, stderr: position.stderr };
  const timeline = new Timeline();
  const streams: StreamState[] = (['stdout', 'stderr'] as const).map((name) => {
    const stream: StreamState = {
      name,
      splitter: new LineSplitter({ startOffset: position[name], maxLineBytes: options.maxLineBytes ?? 65_536 }),
      readOffset: position[name],
      queue: [],
      ends: [],
      head: 0,
      unsplit: EMPTY,
      chunkBytes: minChunk,
      atEnd: false,
      quiet: false,
      lastRead: 0,
      done: false,
      sink: (text, end, progress, continued, bytes) => {
        const event: LogLineEvent = { type: 'log', stream: name, line: redactSecrets(text), timestamp: UNSET, cursor: '' };
        if (bytes !== undefined) event.bytes = bytes;
        if (progress) event.progress = true;
        if (continued) event.continued = true;
        stream.queue.push(event);
        stream.ends.push(end);
      },
    };
    return stream;
  });
  let finished = false;
  let delay = minPoll;
  let lastData = Date.now();
  let lastLiveness = Date.now();
  let lastTimeline = Number.NEGATIVE_INFINITY;
  const cursorPrefix = cursorPrefixOf(position.jobId);
  let stdoutText = String(consumed.stdout);
  let stderrText = String(consumed.stderr);
  const clock = new SharedClock();
  const readTimeline = async (): Promise<void> => {
    timeline.append(await source.read('timeline', timeline.bytesRead, 1 << 14, signal));
    lastTimeline = Date.now();
  };

  try {
    for (;;) {
      throwIfAborted(signal);
      // The timeline changes once a second; reading it more often buys nothing.
      if (Date.now() - lastTimeline >= TIMELINE_REFRESH_MS) await readTimeline();

      let readAny = false;
      const now = Date.now();
      for (const stream of streams) {
        if (pending(stream) > 0 || stream.done) continue;
        // While one stream pours, a quiet one is read at most every QUIET_RECHECK_MS:
        // over a network each read is a round trip. Its late lines only shift the interleaving.
        if (!finished && stream.quiet && now - stream.lastRead < QUIET_RECHECK_MS && streams.some((other) => other !== stream && !other.quiet)) continue;
        // Emptied in place: a slice is split every 2 KiB, and its events already sit in the batch.
        stream.queue.length = 0;
        stream.ends.length = 0;
        stream.head = 0;
        if (stream.unsplit.length === 0) {
          const chunk = await source.read(stream.name, stream.readOffset, stream.chunkBytes, signal);
          stream.readOffset += chunk.length;
          stream.atEnd = chunk.length < stream.chunkBytes;
          stream.chunkBytes = stream.atEnd ? readSizes.shrink(stream.chunkBytes, minChunk) : readSizes.grow(stream.chunkBytes, maxChunk);
          stream.quiet = chunk.length === 0;
          stream.lastRead = now;
          // Valid until the next read of this stream, which waits until the chunk is split.
          stream.unsplit = chunk;
        }
        if (stream.unsplit.length > 0) {
          readAny = true;
          splitSlice(stream);
        }
        if (finished && stream.atEnd && stream.unsplit.length === 0) {
          stream.splitter.flushInto(stream.sink, { final: true });
          stream.done = true;
        }
      }

      const batch: LogEvent[] = [];
      // Lines no timeline sample covers yet are dated now: one clock read per round, not per line.
      const readAt = Date.now();
      for (;;) {
        const next = pickNext(streams, timeline);
        if (next === undefined) break;
        const event = next.queue[next.head] as LogLineEvent;
        const end = next.ends[next.head] as number;
        next.head++;
        consumed[next.name] = end;
        event.timestamp = clock.at(timeline.timeOf(next.name, end) ?? readAt);
        // Only the stream that moved needs a new number string.
        if (next.name === 'stdout') stdoutText = String(end);
        else stderrText = String(end);
        event.cursor = `${cursorPrefix}${stdoutText}.${stderrText}`;
        batch.push(event);
      }
      if (streams.every((stream) => stream.done && pending(stream) === 0)) {
        const { status } = await source.status(signal);
        batch.push({ type: 'exit', status, cursor: encodeCursor({ jobId: position.jobId, ...consumed, ended: true }) });
        yield batch;
        return;
      }
      if (batch.length > 0) yield batch;
      if (readAny || batch.length > 0) {
        lastData = Date.now();
        delay = minPoll;
        continue;
      }

      // Nothing new. Only now ask whether the job has ended: the exit code is
      // written after the last output, so the next round reads everything left.
      if (!finished && (await source.isFinished(signal))) {
        finished = true;
        await readTimeline();
        continue;
      }
      if (!options.follow) return;

      const idle = Date.now() - lastData;
      if (idle >= partialFlushMs) {
        for (const stream of streams) {
          if (stream.splitter.pendingBytes > 0) stream.splitter.flushInto(stream.sink, { final: false });
        }
        if (streams.some((stream) => pending(stream) > 0)) continue;
      }
      if (!finished && Date.now() - lastLiveness >= livenessMs) {
        lastLiveness = Date.now();
        const { status, alive } = await source.status(signal);
        if (alive === false) {
          yield [{ type: 'exit', status, cursor: encodeCursor({ jobId: position.jobId, ...consumed, ended: true }) }];
          return;
        }
      }
      await sleep(delay, signal);
      delay = Math.min(maxPoll, delay * 2);
    }
  } finally {
    for (const stream of streams) stream.chunkBytes = readSizes.shrink(stream.chunkBytes, minChunk);
    await source.close?.();
  }
}

/** The stream whose head line comes first, or `undefined` when more must be read to know. */
function pickNext(streams: StreamState[], timeline: Timeline): StreamState | undefined {
  const [stdout, stderr] = streams as [StreamState, StreamState];
  const out = stdout.ends[stdout.head];
  const err = stderr.ends[stderr.head];
  if (out !== undefined && err !== undefined) {
    const outTime = timeline.timeOf('stdout', out) ?? Number.POSITIVE_INFINITY;
    const errTime = timeline.timeOf('stderr', err) ?? Number.POSITIVE_INFINITY;
    return errTime < outTime ? stderr : stdout;
  }
  if (out !== undefined) return drained(stderr) ? stdout : undefined;
  if (err !== undefined) return drained(stdout) ? stderr : undefined;
  return undefined;
}

/** Nothing of the stream is readable or waiting to be split right now. */
function drained(stream: StreamState): boolean {
  return stream.done || (stream.atEnd && stream.unsplit.length === 0);
}

/** Splits the next slice of the stream's unsplit bytes, cut just after a newline where there is one. */
function splitSlice(stream: StreamState): void {
  const bytes = stream.unsplit;
  const newline = bytes.length > SPLIT_SLICE_BYTES ? bytes.indexOf(LF, SPLIT_SLICE_BYTES - 1) : -1;
  const cut = newline === -1 ? bytes.length : newline + 1;
  stream.unsplit = cut === bytes.length ? EMPTY : bytes.subarray(cut);
  stream.splitter.pushInto(cut === bytes.length ? bytes : bytes.subarray(0, cut), stream.sink);
}

function pending(stream: StreamState): number {
  return stream.queue.length - stream.head;
}

/**
 * Dates for log events. Consecutive lines mostly share a timestamp (the
 * timeline has one-second samples), so they share one Date instance: one
 * allocation per second instead of per line. Treat event timestamps as read-only.
 */
class SharedClock {
  #ms = Number.NaN;
  #date = new Date(0);

  at(ms: number): Date {
    if (ms !== this.#ms) {
      this.#ms = ms;
      this.#date = new Date(ms);
    }
    return this.#date;
  }
}

const UNSET = new Date(0);
const EMPTY = Buffer.alloc(0);
const LF = 0x0a;
/**
 * Bytes split into line events at a time. Events live until the consumer
 * takes them, so with a hundred followers this, not the read size, decides
 * how much survives each young-generation GC and gets promoted (bench/local-follow-many).
 */
const SPLIT_SLICE_BYTES = 2 << 10;
const TIMELINE_REFRESH_MS = 500;
/** Adaptive reads: small keeps many followers light, larger cuts reads under a backlog (bench/local-*). */
const MIN_ADAPTIVE_CHUNK_BYTES = 8 << 10;
const MAX_ADAPTIVE_CHUNK_BYTES = 64 << 10;
const QUIET_RECHECK_MS = 200;
