import { mkdir, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RunctlError } from '@runctl/core';
import { backgroundSha256 } from './background-sha256.ts';
import { OrderedFileSink } from './ordered-file-sink.ts';
import { backoff, isConnectionFailure } from './reconnect-policy.ts';
import { remoteSha256 } from './remote-checksum.ts';
import { fetchRange } from './sftp-fetch.ts';
import { sftpLstat } from './sftp-ops.ts';
import type { TransferContext } from './transfer-context.ts';

/**
 * Files at least this big resume from a partial local copy. Smaller ones are
 * fetched whole: resuming them saves less than the checksum would cost.
 */
export const RESUME_MIN_BYTES = 8 << 20;

/** Options of {@link downloadFile}. */
export interface DownloadFileOptions {
  signal?: AbortSignal | undefined;
  /** SFTP channels to spread the reads over: all of the pool for one big file, 1 for each file of a folder. */
  channels: number;
  onBytes?: (written: number, size: number) => void;
}

/**
 * Downloads one remote file to `localPath`. The local file only ever holds
 * an exact prefix of the remote one, so when the connection drops the
 * download reconnects (with backoff) and goes on from there; a later call
 * resumes the same way.
 *
 * Every download checks that the remote file kept its size and mtime from
 * start to end (the bytes themselves are authenticated by SSH). A download
 * that resumed from an earlier partial copy, or every download with
 * `verify: 'always'`, is also checked end to end against SHA-256 computed on
 * the machine (`openssl`, `sha256sum` or `shasum`; size only if it has none),
 * hashed here on a worker thread. A resumed copy that fails is fetched
 * again from the start, once.
 */
export async function downloadFile(transfer: TransferContext, remotePath: string, localPath: string, options: DownloadFileOptions): Promise<number> {
  const { signal } = options;
  await mkdir(dirname(localPath), { recursive: true });
  let fromScratch = false;
  let failures = 0;
  let remoteHash: { size: number; mtime: number; digest: Promise<string | undefined> } | undefined;
  for (;;) {
    let before = 0;
    let after = 0;
    try {
      const session = await transfer.connection.session(signal);
      const control = await session.sftp.control(signal);
      const initial = await sftpLstat(control, remotePath).catch((error: unknown) => {
        throw session.error(error, `read ${remotePath}`);
      });
      const size = initial.size;
      const existing = size >= RESUME_MIN_BYTES && !fromScratch ? await stat(localPath).then((info) => info.size, () => 0) : 0;
      const start = existing <= size ? existing : 0;
      const hashed = transfer.verify === 'always' || start > 0;
      if (hashed && (remoteHash?.size !== size || remoteHash.mtime !== initial.mtime)) {
        // Hashing on the machine runs while the bytes flow; the result is checked at the end.
        remoteHash = { size, mtime: initial.mtime, digest: remoteSha256(transfer.exec, remotePath, signal) };
        remoteHash.digest.catch(() => {});
      }
      const lease = await session.sftp.lease(options.channels, signal);
      before = start;
      after = start;
      const file = await open(localPath, start > 0 ? 'r+' : 'w').catch((error: unknown) => {
        lease.release();
        throw error;
      });
      const hash = hashed ? backgroundSha256() : undefined;
      try {
        await file.truncate(start);
        hash?.updateFromFile(localPath, start);
        const sink = new OrderedFileSink(file, start, hash);
        try {
          await fetchRange(session, lease.channels, remotePath, { start, end: size }, sink, { signal, onChunk: () => options.onBytes?.(sink.written, size) });
        } finally {
          // Give the channels back before waiting for the checksum: its command may need their session slots.
          lease.release();
          await sink.settle().finally(() => {
            after = sink.written;
          });
        }
        options.onBytes?.(size, size);
        const final = await sftpLstat(control, remotePath).catch((error: unknown) => {
          throw session.error(error, `read ${remotePath}`);
        });
        if (final.size !== size || final.mtime !== initial.mtime || (await file.stat()).size !== size) {
          throw mismatch(transfer, remotePath, 'the file changed while it was being downloaded');
        }
        const [expected, actual] = await Promise.all([hashed ? remoteHash?.digest : undefined, hash?.digest()]);
        if (expected !== undefined && actual !== expected) {
          if (start > 0 && !fromScratch) {
            // The partial copy was from another version of the file: start over once.
            fromScratch = true;
            continue;
          }
          throw mismatch(transfer, remotePath, 'its SHA-256 differs from the one computed on the machine');
        }
      } finally {
        lease.release();
        hash?.close();
        await file.close();
      }
      return size;
    } catch (error) {
      if (signal?.aborted || !isConnectionFailure(error)) throw error;
      // Progress since the last drop resets the count: a slow, flaky link still finishes.
      failures = after > before ? 1 : failures + 1;
      if (failures > transfer.reconnect.retries) throw error;
      // A checksum cut off by the drop is computed again on the next connection.
      if (remoteHash !== undefined && (await remoteHash.digest.then(() => false, () => true))) remoteHash = undefined;
      await backoff(transfer.reconnect, failures, signal);
    }
  }
}

function mismatch(transfer: TransferContext, remotePath: string, what: string): RunctlError {
  return new RunctlError({
    code: 'PROVIDER',
    provider: transfer.context.provider,
    message: `The download of ${remotePath} from ${transfer.context.where} failed verification: ${what}. Was it being written during the download?`,
  });
}
