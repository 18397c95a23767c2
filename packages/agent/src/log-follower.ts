import { LineSplitter, redactSecrets, sleep, throwIfAborted, type LogEvent, type SplitLine, type TrainingStatus } from '@runctl/core';
import { encodeCursor, type LogPosition } from './cursor.ts';
import { Timeline } from './timeline.ts';

type StreamName = 'stdout' | 'stderr';

/** How the follower reaches one job's files; the agent client implements it over a transport. */
export interface JobLogSource {
  /** Up to `length` bytes of a stream from `offset`; empty when the file does not exist yet. */
  read(stream: StreamName | 'timeline', offset: number, length: number, signal?: AbortSignal): Promise<Buffer>;
  /** Whether the job's exit code has been recorded. */
  isFinished(signal?: AbortSignal): Promise<boolean>;
  /** Full status; `alive: false` means the supervisor died without an exit code. */
  status(signal?: AbortSignal): Promise<{ status: TrainingStatus; alive?: boolean }>;
}

/** Tuning of {@link followJobLog}. */
export interface FollowOptions {
  position: LogPosition;
  follow: boolean;
  signal?: AbortSignal | undefined;
  /** Bytes read per stream per round (default 1 MiB). */
  chunkBytes?: number;
  /** First and longest wait between polls when idle (default 25 ms and 500 ms). */
  minPollMs?: number;
  maxPollMs?: number;
  /** Show a line still being written once it has been idle this long (default 1 000 ms). */
  partialFlushMs?: number;
  /** How often an idle follower checks that the supervisor still lives (default 2 000 ms). */
  livenessMs?: number;
  maxLineBytes?: number;
}

interface StreamState {
  name: StreamName;
  splitter: LineSplitter;
  readOffset: number;
  /** Lines read but not yet emitted, from `head` on (an index, since shift() is O(n)). */
  queue: SplitLine[];
  head: number;
  /** The last read returned less than asked: nothing more is readable right now. */
  atEnd: boolean;
  /** Finished job, fully read and flushed: nothing more will ever come. */
  done: boolean;
}

/**
 * Follows a job's stdout and stderr from a position, as log events ending
 * with an `exit` event. Memory stays bounded (one chunk per stream) and a
 * slow consumer simply slows the reads: nothing is dropped.
 *
 * Lines of the two streams are merged by the supervisor's timeline, so a
 * finished job's log reads in the same order every time, from any cursor.
 */
export async function* followJobLog(source: JobLogSource, options: FollowOptions): AsyncGenerator<LogEvent> {
  const { position, signal } = options;
  if (position.ended) return;
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  const minPoll = options.minPollMs ?? 25;
  const maxPoll = options.maxPollMs ?? 500;
  const partialFlushMs = options.partialFlushMs ?? 1_000;
  const livenessMs = options.livenessMs ?? 2_000;
  const consumed = { stdout: position.stdout, stderr: position.stderr };
  const timeline = new Timeline();
  const streams: StreamState[] = (['stdout', 'stderr'] as const).map((name) => ({
    name,
    splitter: new LineSplitter({ startOffset: position[name], maxLineBytes: options.maxLineBytes ?? 65_536 }),
    readOffset: position[name],
    queue: [],
    head: 0,
    atEnd: false,
    done: false,
  }));
  let finished = false;
  let delay = minPoll;
  let lastData = Date.now();
  let lastLiveness = Date.now();

  for (;;) {
    throwIfAborted(signal);
    // Check for the exit code before reading, so "finished and read to the end" means complete.
    finished ||= await source.isFinished(signal);
    const timelineChunk = await source.read('timeline', timeline.bytesRead, 1 << 20, signal);
    timeline.append(timelineChunk);

    let readAny = false;
    for (const stream of streams) {
      if (pending(stream) > 0 || stream.done) continue;
      stream.queue = [];
      stream.head = 0;
      const chunk = await source.read(stream.name, stream.readOffset, chunkBytes, signal);
      stream.readOffset += chunk.length;
      stream.atEnd = chunk.length < chunkBytes;
      if (chunk.length > 0) {
        readAny = true;
        stream.queue = stream.splitter.push(chunk);
      }
      if (finished && stream.atEnd) {
        for (const line of stream.splitter.flush({ final: true })) stream.queue.push(line);
        stream.done = true;
      }
    }

    let emitted = 0;
    for (;;) {
      const next = pickNext(streams, timeline);
      if (next === undefined) break;
      const line = next.queue[next.head++] as SplitLine;
      consumed[next.name] = line.end;
      emitted++;
      yield toLogEvent(next.name, line, timeline, position.jobId, consumed);
    }

    if (streams.every((stream) => stream.done && pending(stream) === 0)) {
      const { status } = await source.status(signal);
      yield { type: 'exit', status, cursor: encodeCursor({ jobId: position.jobId, ...consumed, ended: true }) };
      return;
    }
    if (readAny || emitted > 0) {
      lastData = Date.now();
      delay = minPoll;
      continue;
    }
    if (!options.follow) return;

    const idle = Date.now() - lastData;
    if (idle >= partialFlushMs) {
      for (const stream of streams) {
        if (stream.splitter.pendingBytes > 0) for (const line of stream.splitter.flush({ final: false })) stream.queue.push(line);
      }
      if (streams.some((stream) => pending(stream) > 0)) continue;
    }
    if (!finished && Date.now() - lastLiveness >= livenessMs) {
      lastLiveness = Date.now();
      const { status, alive } = await source.status(signal);
      if (alive === false) {
        yield { type: 'exit', status, cursor: encodeCursor({ jobId: position.jobId, ...consumed, ended: true }) };
        return;
      }
    }
    await sleep(delay, signal);
    delay = Math.min(maxPoll, delay * 2);
  }
}

/** The stream whose head line comes first, or `undefined` when more must be read to know. */
function pickNext(streams: StreamState[], timeline: Timeline): StreamState | undefined {
  const [stdout, stderr] = streams as [StreamState, StreamState];
  const out = stdout.queue[stdout.head];
  const err = stderr.queue[stderr.head];
  if (out !== undefined && err !== undefined) {
    const outTime = timeline.timeOf('stdout', out.end) ?? Number.POSITIVE_INFINITY;
    const errTime = timeline.timeOf('stderr', err.end) ?? Number.POSITIVE_INFINITY;
    return errTime < outTime ? stderr : stdout;
  }
  if (out !== undefined) return stderr.atEnd || stderr.done ? stdout : undefined;
  if (err !== undefined) return stdout.atEnd || stdout.done ? stderr : undefined;
  return undefined;
}

function pending(stream: StreamState): number {
  return stream.queue.length - stream.head;
}

function toLogEvent(stream: StreamName, line: SplitLine, timeline: Timeline, jobId: string, consumed: { stdout: number; stderr: number }): LogEvent {
  const event: LogEvent = {
    type: 'log',
    stream,
    line: redactSecrets(line.text),
    timestamp: new Date(timeline.timeOf(stream, line.end) ?? Date.now()),
    cursor: encodeCursor({ jobId, stdout: consumed.stdout, stderr: consumed.stderr, ended: false }),
  };
  if (line.bytes !== undefined) event.bytes = line.bytes;
  if (line.progress) event.progress = true;
  if (line.continued) event.continued = true;
  return event;
}
