import { mkdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { RunctlError, throwIfAborted } from '@runctl/core';
import type { TransferOptions, TransferResult } from '../transport.ts';
import { downloadFile } from './download-file.ts';
import { runPool } from './run-pool.ts';
import { sftpLstat, sftpReaddir, toFileInfo } from './sftp-ops.ts';
import type { SshSession } from './ssh-session.ts';
import type { TransferContext } from './transfer-context.ts';
import { withSession } from './with-session.ts';

/** A remote file of a folder download. */
interface RemoteFile {
  remote: string;
  local: string;
  size: number;
}

/**
 * Copies a remote file or folder to `localPath`. Folders are walked over
 * SFTP; symlinks and special files are skipped, never followed; several
 * files are in flight at once, spread over the SFTP channels.
 */
export async function downloadTree(transfer: TransferContext, remotePath: string, localPath: string, options: TransferOptions): Promise<TransferResult> {
  const { signal } = options;
  const top = await withSession(transfer, signal, `download ${remotePath}`, async (session) => {
    const control = await session.sftp.control(signal);
    return toFileInfo(await sftpLstat(control, remotePath).catch((error: unknown) => {
      throw session.error(error, `download ${remotePath}`);
    }));
  });
  if (top.type === 'symlink') {
    throw new RunctlError({ code: 'INVALID_INPUT', provider: transfer.context.provider, message: `${remotePath} on ${transfer.context.where} is a symlink; refusing to follow it.` });
  }
  if (top.type === 'file') {
    const size = await downloadFile(transfer, remotePath, localPath, {
      signal,
      channels: transfer.sftpChannels,
      onBytes: (bytes, totalBytes) => options.onProgress?.({ bytes, totalBytes }),
    });
    return { files: 1, bytes: size };
  }
  if (top.type !== 'directory') {
    throw new RunctlError({ code: 'INVALID_INPUT', provider: transfer.context.provider, message: `${remotePath} on ${transfer.context.where} is not a file or folder.` });
  }

  const files = await withSession(transfer, signal, `download ${remotePath}`, (session) => walk(session, remotePath, localPath, options));
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  const progress = new Map<number, number>();
  let reported = 0;
  const report = (index: number, bytes: number): void => {
    reported += bytes - (progress.get(index) ?? 0);
    progress.set(index, bytes);
    options.onProgress?.({ bytes: reported, totalBytes });
  };
  let bytes = 0;
  await runPool(files, Math.max(2, transfer.sftpChannels), async (file, index) => {
    throwIfAborted(signal, transfer.context.provider);
    const size = await downloadFile(transfer, file.remote, file.local, { signal, channels: 1, onBytes: (written) => report(index, written) });
    bytes += size;
  });
  return { files: files.length, bytes };
}

/** Every file to fetch, after creating the local folders that pass the filter. */
async function walk(session: SshSession, remoteRoot: string, localRoot: string, options: TransferOptions): Promise<RemoteFile[]> {
  const control = await session.sftp.control(options.signal);
  const files: RemoteFile[] = [];
  const visit = async (relative: string): Promise<void> => {
    throwIfAborted(options.signal, session.context.provider);
    const remoteDir = relative === '' ? remoteRoot : posix.join(remoteRoot, relative);
    await mkdir(relative === '' ? localRoot : join(localRoot, relative), { recursive: true });
    const entries = await sftpReaddir(control, remoteDir).catch((error: unknown) => {
      throw session.error(error, `list ${remoteDir}`);
    });
    entries.sort((a, b) => (a.filename < b.filename ? -1 : 1));
    for (const entry of entries) {
      if (entry.filename === '.' || entry.filename === '..') continue;
      const child = relative === '' ? entry.filename : `${relative}/${entry.filename}`;
      const info = toFileInfo(entry.attrs);
      if (info.type === 'directory') {
        if (options.filter?.(child, { isDirectory: true }) ?? true) await visit(child);
      } else if (info.type === 'file' && (options.filter?.(child, { isDirectory: false }) ?? true)) {
        files.push({ remote: posix.join(remoteRoot, child), local: join(localRoot, child), size: info.size });
      }
    }
  };
  await visit('');
  return files;
}
