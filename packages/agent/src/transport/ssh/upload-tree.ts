import { lstat, open, readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { RunctlError, throwIfAborted } from '@runctl/core';
import type { TransferOptions, TransferResult } from '../transport.ts';
import { ensureRemoteDir } from './remote-dirs.ts';
import { runPool } from './run-pool.ts';
import { isNoSuchFile } from './ssh-errors.ts';
import type { SftpChannel } from './sftp-pool.ts';
import { sftpClose, sftpFchmod, sftpOpen, sftpWrite } from './sftp-ops.ts';
import type { SshSession } from './ssh-session.ts';
import type { TransferContext } from './transfer-context.ts';
import { withSession } from './with-session.ts';

/** Writes in flight per file: keeps the channel's window busy without flooding it. */
const WRITES_IN_FLIGHT = 16;

interface LocalFile {
  local: string;
  remote: string;
  size: number;
  mode: number;
}

/**
 * Copies a local file or folder to the machine. Folders skip symlinks and
 * honour the filter; several files go at once over the SFTP channels, each
 * with pipelined writes, and keep their permission bits. A file cut off by
 * a dropped connection is sent again whole on the new connection.
 */
export async function uploadTree(transfer: TransferContext, localPath: string, remotePath: string, options: TransferOptions): Promise<TransferResult> {
  const { signal } = options;
  const info = await lstat(localPath).catch((error: unknown) => {
    if ((error as { code?: string }).code === 'ENOENT') throw new RunctlError({ code: 'NOT_FOUND', provider: transfer.context.provider, message: `Nothing at ${localPath} on this machine.` });
    throw error;
  });
  if (info.isSymbolicLink()) throw new RunctlError({ code: 'INVALID_INPUT', provider: transfer.context.provider, message: `${localPath} is a symlink; refusing to follow it.` });
  const dirs: string[] = [];
  const files: LocalFile[] = [];
  if (info.isFile()) files.push({ local: localPath, remote: remotePath, size: info.size, mode: info.mode & 0o777 });
  else await walk(localPath, remotePath, options, dirs, files);

  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  let bytes = 0;
  await withSession(transfer, signal, `upload to ${remotePath}`, async (session) => {
    const control = await session.sftp.control(signal);
    for (const dir of dirs.length > 0 ? dirs : [posix.dirname(remotePath)]) await ensureRemoteDir(session, control, dir);
  });
  await runPool(files, Math.max(2, transfer.sftpChannels), async (file) => {
    await withSession(transfer, signal, `upload ${file.remote}`, async (session) => {
      throwIfAborted(signal, transfer.context.provider);
      const lease = await session.sftp.lease(1, signal);
      try {
        await uploadFile(session, lease.channels[0] as SftpChannel, file, signal);
      } finally {
        lease.release();
      }
    });
    bytes += file.size;
    options.onProgress?.({ bytes, totalBytes });
  });
  return { files: files.length, bytes };
}

async function walk(localRoot: string, remoteRoot: string, options: TransferOptions, dirs: string[], files: LocalFile[]): Promise<void> {
  const visit = async (relative: string): Promise<void> => {
    throwIfAborted(options.signal);
    dirs.push(relative === '' ? remoteRoot : posix.join(remoteRoot, relative));
    const entries = await readdir(relative === '' ? localRoot : join(localRoot, relative), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (options.filter?.(child, { isDirectory: true }) ?? true) await visit(child);
      } else if (entry.isFile() && (options.filter?.(child, { isDirectory: false }) ?? true)) {
        const info = await lstat(join(localRoot, child));
        files.push({ local: join(localRoot, child), remote: posix.join(remoteRoot, child), size: info.size, mode: info.mode & 0o777 });
      }
    }
  };
  await visit('');
}

/** Sends one file with pipelined writes; its parent folder must exist (it is created once if not). */
async function uploadFile(session: SshSession, channel: SftpChannel, file: LocalFile, signal: AbortSignal | undefined): Promise<void> {
  const handle = await sftpOpen(channel, file.remote, 'w', file.mode).catch(async (error: unknown) => {
    if (!isNoSuchFile(error)) throw session.error(error, `write ${file.remote}`);
    await ensureRemoteDir(session, channel, posix.dirname(file.remote));
    return sftpOpen(channel, file.remote, 'w', file.mode).catch((again: unknown) => {
      throw session.error(again, `write ${file.remote}`);
    });
  });
  const local = await open(file.local, 'r');
  let sent = false;
  try {
    const chunk = channel.writeChunk;
    const positions = Array.from({ length: Math.ceil(file.size / chunk) }, (_, index) => index * chunk);
    await runPool(positions, WRITES_IN_FLIGHT, async (position) => {
      throwIfAborted(signal, session.context.provider);
      const buffer = Buffer.allocUnsafe(Math.min(chunk, file.size - position));
      const { bytesRead } = await local.read(buffer, 0, buffer.length, position);
      await sftpWrite(channel, handle, buffer.subarray(0, bytesRead), position).catch((error: unknown) => {
        throw session.error(error, `write ${file.remote}`);
      });
    });
    // The open mode passes through the server's umask; set the bits exactly.
    await sftpFchmod(channel, handle, file.mode).catch(() => {});
    sent = true;
  } finally {
    await local.close();
    if (!sent) await sftpClose(channel, handle).catch(() => {});
  }
  // The server reports some write errors (a full disk) only when the file is closed.
  await sftpClose(channel, handle).catch((error: unknown) => {
    throw session.error(error, `write ${file.remote}`);
  });
}
