import { abortError, throwIfAborted } from '@runctl/core';
import type { FileReader } from '../transport.ts';
import type { SftpChannel } from './sftp-pool.ts';
import { sftpClose } from './sftp-ops.ts';
import { readRange } from './sftp-range-read.ts';
import type { SshConnection } from './ssh-connection.ts';
import type { SshSession } from './ssh-session.ts';

/** Largest block fetched in one go while a file streams (four 255 KiB requests in parallel). */
const MAX_BLOCK = 1 << 20;
const MIN_BLOCK = 64 << 10;

/** Bytes already fetched, starting at `start`; `full` unless the fetch reached the end of the file. */
interface Block {
  start: number;
  data: Buffer;
  full: boolean;
}

/**
 * A remote file kept open for repeated reads at increasing offsets: the hot
 * path of log following, where the caller may ask for a few KiB at a time
 * and every request would otherwise cost a network round trip.
 *
 * - While data flows, fetches grow to 1 MiB and the next block is already
 *   requested in the background, so the network overlaps the caller's work.
 *   Small reads are served from the fetched block.
 * - Once a fetch reaches the end of the file, fetches shrink back to the
 *   size asked for and nothing is read ahead, so idle polls stay small and
 *   many open readers stay cheap.
 * - Logs are append-only, so bytes fetched earlier never go stale; a read
 *   past a block that ended at end-of-file always asks the server again, so
 *   a read sees everything written before it was made.
 */
export function sftpFileReader(connection: SshConnection, session: SshSession, channel: SftpChannel, handle: Buffer, path: string): FileReader {
  let block: Block | undefined;
  let ahead: { start: number; size: number; result: Promise<Buffer | { error: unknown }> } | undefined;
  let nextSize = 0;
  let closed = false;

  const fetch = async (start: number, size: number, signal?: AbortSignal): Promise<Block> => {
    try {
      const data = await readRange(channel, handle, start, size, { firstWindow: size > MIN_BLOCK ? 8 : 1, signal });
      return { start, data, full: data.length === size };
    } catch (error) {
      throw session.error(error, `read ${path}`);
    }
  };

  /** The fetch for `[start, start + size)`, reusing the read-ahead when it is that one. */
  const fetchAt = async (start: number, size: number, signal?: AbortSignal): Promise<Block> => {
    const pending = ahead;
    ahead = undefined;
    if (pending !== undefined && pending.start === start && pending.size >= size) {
      const result = await untilAborted(pending.result, signal);
      if (!Buffer.isBuffer(result)) throw result.error;
      return { start, data: result, full: result.length === pending.size };
    }
    return fetch(start, size, signal);
  };

  const read = async (offset: number, length: number, signal?: AbortSignal): Promise<Buffer> => {
    throwIfAborted(signal);
    const cached = block;
    const cachedEnd = cached === undefined ? -1 : cached.start + cached.data.length;
    if (cached !== undefined && offset >= cached.start && offset + length <= cachedEnd) {
      return cached.data.subarray(offset - cached.start, offset - cached.start + length);
    }
    const size = Math.max(length, nextSize);
    let fetched: Block;
    if (cached !== undefined && cached.full && offset >= cached.start && offset < cachedEnd) {
      // Part of it is here: keep the tail, fetch what follows.
      const tail = cached.data.subarray(offset - cached.start);
      const rest = await fetchAt(cachedEnd, Math.max(size - tail.length, nextSize), signal);
      fetched = { start: offset, data: Buffer.concat([tail, rest.data]), full: rest.full };
    } else {
      fetched = await fetchAt(offset, size, signal);
    }
    block = fetched;
    // Grow while the file streams; shrink back to what was asked once the end is reached.
    nextSize = fetched.full ? Math.min(MAX_BLOCK, Math.max(MIN_BLOCK, fetched.data.length * 2)) : 0;
    const end = fetched.start + fetched.data.length;
    if (fetched.full && !closed && ahead === undefined) {
      const aheadSize = nextSize;
      ahead = { start: end, size: aheadSize, result: fetch(end, aheadSize).then((next) => next.data, (error: unknown) => ({ error })) };
    }
    return fetched.data.subarray(0, Math.min(length, fetched.data.length));
  };

  return {
    read: (offset, length, signal) => connection.use(() => read(offset, length, signal)),
    async close() {
      if (closed) return;
      closed = true;
      block = undefined;
      const pending = ahead;
      ahead = undefined;
      // Held as in-use work: an idle connection lets the process exit, and that
      // must not happen while this close still waits on the network.
      await connection.use(async () => {
        await pending?.result;
        // Nothing to release on a connection that is already gone.
        if (!session.closed) await sftpClose(channel, handle).catch(() => {});
      });
    },
  };
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
