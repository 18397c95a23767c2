import { LineSplitter, type LogLineEvent } from '@runctl/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor } from './cursor.ts';
import { followJobLog, type JobLogSource, type StreamName } from './log-follower.ts';
import { ReadSizeBudget } from './read-size-budget.ts';

const JOB_ID = '20261126T140000Z-follow-abc123';

/** A finished job whose stdout is `stdout`, recording the size of every stdout read. */
function finishedJob(stdout: Buffer): JobLogSource & { stdoutReads: number[] } {
  const stdoutReads: number[] = [];
  const files: Record<StreamName | 'timeline', Buffer> = { stdout, stderr: Buffer.alloc(0), timeline: Buffer.alloc(0) };
  return {
    stdoutReads,
    async read(stream, offset, length) {
      if (stream === 'stdout') stdoutReads.push(length);
      return files[stream].subarray(offset, offset + length);
    },
    async isFinished() {
      return true;
    },
    async status() {
      return { status: { jobId: JOB_ID, state: 'succeeded', exitCode: 0 } };
    },
  };
}

/** Like {@link finishedJob}, but all output lands at once just as the job ends: it is read after the exit code. */
function lateJob(stdout: Buffer): JobLogSource {
  const job = finishedJob(Buffer.alloc(0));
  let ended = false;
  return {
    ...job,
    async read(stream, offset, length) {
      return stream === 'stdout' && ended ? stdout.subarray(offset, offset + length) : Buffer.alloc(0);
    },
    async isFinished() {
      ended = true;
      return true;
    },
  };
}

function numberedLines(count: number): { text: Buffer; lines: string[] } {
  const lines = Array.from({ length: count }, (_, index) => `step=${index} loss=${(1 / (index + 1)).toFixed(6)}`);
  return { text: Buffer.from(`${lines.join('\n')}\n`), lines };
}

async function followAll(source: JobLogSource, readSizes: ReadSizeBudget, chunkBytes?: number): Promise<LogLineEvent[]> {
  const events: LogLineEvent[] = [];
  const position = { jobId: JOB_ID, stdout: 0, stderr: 0, ended: false };
  for await (const event of followJobLog(source, { position, follow: true, readSizes, minPollMs: 1, ...(chunkBytes ? { chunkBytes } : {}) })) {
    if (event.type === 'log') events.push(event);
  }
  return events;
}

async function readAll(source: JobLogSource, readSizes: ReadSizeBudget): Promise<string[]> {
  return (await followAll(source, readSizes)).map((event) => event.line);
}

describe('followJobLog splitting', () => {
  it('gives the same lines and cursors as one split of the whole log, whatever the read size and timing', async () => {
    // Chunks are split a slice at a time (cut after a newline), so lines straddle both read and slice boundaries.
    const piece = fc.oneof(
      fc.constantFrom('\n', '\r', '\r\n', 'é', '😀', 'step=1 loss=0.5', 'x'.repeat(3_000)),
      fc.uint8Array({ maxLength: 6 }).map((bytes) => Buffer.from(bytes)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 1, max: 20_000 }), fc.boolean(), async (pieces, chunkBytes, late) => {
        const log = Buffer.concat(pieces.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
        const splitter = new LineSplitter();
        const expected = [...splitter.push(log), ...splitter.flush({ final: true })].map((line) => ({
          text: line.text,
          progress: line.progress,
          continued: line.continued,
          stdoutOffset: line.end,
        }));
        const followed = await followAll(late ? lateJob(log) : finishedJob(log), new ReadSizeBudget(64 << 10), chunkBytes);
        const seen = followed.map((event) => ({
          text: event.line,
          progress: event.progress === true,
          continued: event.continued === true,
          stdoutOffset: decodeCursor(event.cursor).stdout,
        }));
        expect(seen).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});

describe('followJobLog read sizes', () => {
  it('doubles reads from 8 KiB to 64 KiB through a backlog, and returns the growth when done', async () => {
    const { text, lines } = numberedLines(20_000); // ~500 KiB
    const source = finishedJob(text);
    const budget = new ReadSizeBudget(1 << 20);
    expect((await readAll(source, budget)).map((line) => line.split('|')[0])).toEqual(lines);
    expect(source.stdoutReads.slice(0, 5)).toEqual([8 << 10, 16 << 10, 32 << 10, 64 << 10, 64 << 10]);
    expect(Math.max(...source.stdoutReads)).toBe(64 << 10);
    expect(budget.spareBytes).toBe(1 << 20);
  });

  it('keeps followers at 8 KiB reads once the shared budget is spent, losing no line', async () => {
    const budget = new ReadSizeBudget(8 << 10); // room for one doubling
    const jobs = [numberedLines(10_000), numberedLines(10_000)];
    const sources = jobs.map(({ text }) => finishedJob(text));
    const followers = sources.map((source) => followJobLog(source, { position: { jobId: JOB_ID, stdout: 0, stderr: 0, ended: false }, follow: true, readSizes: budget, minPollMs: 1 }));
    // The first follower's first read grows it to 16 KiB, and it holds that room while the second one reads.
    const first = await followers[0]!.next();
    expect(first.done).toBe(false);
    const second: string[] = [];
    for await (const event of followers[1]!) if (event.type === 'log') second.push(event.line);
    expect(second).toEqual(jobs[1]!.lines);
    expect(new Set(sources[1]!.stdoutReads.slice(0, -1))).toEqual(new Set([8 << 10]));
    await followers[0]!.return?.(undefined);
    expect(budget.spareBytes).toBe(8 << 10);
  });
});
