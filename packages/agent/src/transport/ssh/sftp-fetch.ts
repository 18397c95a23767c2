import { RunctlError, throwIfAborted } from '@runctl/core';
import type { OrderedFileSink } from './ordered-file-sink.ts';
import type { SftpChannel } from './sftp-pool.ts';
import { sftpClose, sftpOpen, sftpRead } from './sftp-ops.ts';
import type { SshSession } from './ssh-session.ts';

/** Requests in flight per SFTP channel: enough to keep its 2 MiB window full. */
const READS_PER_CHANNEL = 8;
/** How far reads may run ahead of the bytes written, bounding memory. */
const MAX_AHEAD_BYTES = 64 << 20;

/**
 * Copies bytes `[start, end)` of a remote file into `sink`, spreading the
 * reads over every given channel (each with several requests in flight).
 * Rejects on the first failure after stopping the other readers.
 */
export async function fetchRange(
  session: SshSession,
  channels: readonly SftpChannel[],
  remotePath: string,
  range: { start: number; end: number },
  sink: OrderedFileSink,
  options: { signal?: AbortSignal | undefined; onChunk?: () => void },
): Promise<void> {
  const handles = await Promise.all(channels.map((channel) => sftpOpen(channel, remotePath, 'r').catch((error: unknown) => error as Error)));
  try {
    const firstFailure = handles.find((handle): handle is Error => !Buffer.isBuffer(handle));
    if (firstFailure !== undefined) throw session.error(firstFailure, `open ${remotePath}`);
    let next = range.start;
    let stopped = false;
    const worker = async (channel: SftpChannel, handle: Buffer): Promise<void> => {
      while (!stopped && next < range.end) {
        throwIfAborted(options.signal, session.context.provider);
        const position = next;
        const length = Math.min(channel.readChunk, range.end - position);
        next += length;
        if (position - sink.written > MAX_AHEAD_BYTES) await sink.reach(position - MAX_AHEAD_BYTES);
        if (stopped) return;
        sink.put(position, await readFully(session, channel, handle, remotePath, position, length));
        options.onChunk?.();
      }
    };
    const workers = channels.flatMap((channel, index) => Array.from({ length: READS_PER_CHANNEL }, () => worker(channel, handles[index] as Buffer)));
    // Wait for every reader to stop before failing, so nothing writes behind the caller's back.
    let failure: unknown;
    await Promise.all(
      workers.map((running) =>
        running.catch((error: unknown) => {
          failure ??= error;
          stopped = true;
          sink.abandon();
        }),
      ),
    );
    if (failure !== undefined) throw failure;
  } finally {
    for (const [index, handle] of handles.entries()) {
      if (Buffer.isBuffer(handle)) sftpClose(channels[index] as SftpChannel, handle).catch(() => {});
    }
  }
}

/** Exactly `length` bytes at `position`, asking again after short replies. */
async function readFully(session: SshSession, channel: SftpChannel, handle: Buffer, path: string, position: number, length: number): Promise<Buffer> {
  const pieces: Buffer[] = [];
  let got = 0;
  while (got < length) {
    let piece: Buffer;
    try {
      piece = await sftpRead(channel, handle, position + got, length - got);
    } catch (error) {
      throw session.error(error, `read ${path}`);
    }
    if (piece.length === 0) {
      throw new RunctlError({ code: 'PROVIDER', provider: session.context.provider, message: `${path} on ${session.context.where} shrank while it was being downloaded.` });
    }
    pieces.push(piece);
    got += piece.length;
  }
  return pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces);
}
