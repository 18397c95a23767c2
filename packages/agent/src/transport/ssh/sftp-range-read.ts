import { throwIfAborted } from '@runctl/core';
import type { SftpChannel } from './sftp-pool.ts';
import { sftpRead } from './sftp-ops.ts';

/**
 * Reads `length` bytes from `offset` of an open file with up to
 * `concurrency` requests in flight, so a 1 MiB log read costs one round trip
 * instead of four. Returns the bytes that exist: a short reply marks the end
 * of the file, and anything read past it (the file may have grown meanwhile)
 * is dropped so the result is always one contiguous piece.
 *
 * `firstWindow` limits the first round: a poller that found the end last
 * time asks for one chunk, and only goes wide once data is flowing.
 */
export async function readRange(
  channel: SftpChannel,
  handle: Buffer,
  offset: number,
  length: number,
  options: { concurrency?: number; firstWindow?: number; signal?: AbortSignal | undefined } = {},
): Promise<Buffer> {
  const chunk = channel.readChunk;
  const concurrency = options.concurrency ?? 8;
  let window = Math.min(concurrency, options.firstWindow ?? concurrency);
  const pieces: Buffer[] = [];
  let position = offset;
  const end = offset + length;
  while (position < end) {
    throwIfAborted(options.signal);
    const requests: Array<Promise<Buffer>> = [];
    for (let start = position; start < end && requests.length < window; start += chunk) {
      requests.push(sftpRead(channel, handle, start, Math.min(chunk, end - start)));
    }
    for (const reply of await Promise.all(requests)) {
      const asked = Math.min(chunk, end - position);
      pieces.push(reply);
      position += reply.length;
      if (reply.length < asked) return join(pieces);
    }
    window = concurrency;
  }
  return join(pieces);
}

function join(pieces: Buffer[]): Buffer {
  return pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces);
}
