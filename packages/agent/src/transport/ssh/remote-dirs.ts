import { posix } from 'node:path';
import { RunctlError } from '@runctl/core';
import { isNoSuchFile } from './ssh-errors.ts';
import type { SftpChannel } from './sftp-pool.ts';
import { sftpLstat, sftpMkdir, toFileInfo } from './sftp-ops.ts';
import type { SshSession } from './ssh-session.ts';

/**
 * `mkdir -p` over SFTP. One round trip for a new folder under an existing
 * one; folders seen once are remembered for the life of the connection.
 */
export async function ensureRemoteDir(session: SshSession, channel: SftpChannel, path: string, retried = false): Promise<void> {
  const dir = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (dir === '/' || dir === '.' || dir === '' || session.knownDirs.has(dir)) return;
  try {
    await sftpMkdir(channel, dir);
  } catch (error) {
    if (isNoSuchFile(error) && !retried) {
      // The parent is missing (or was removed since we saw it): create it, then try once more.
      const parent = posix.dirname(dir);
      forgetRemoteDirs(session, parent);
      await ensureRemoteDir(session, channel, parent);
      return ensureRemoteDir(session, channel, dir, true);
    }
    // Usually "it already exists"; SFTP v3 only says FAILURE, so look.
    const info = await sftpLstat(channel, dir).then(toFileInfo, () => undefined);
    if (info?.type !== 'directory') {
      if (info !== undefined) throw new RunctlError({ code: 'PROVIDER', provider: session.context.provider, message: `Cannot create folder ${dir} on ${session.context.where}: a ${info.type} is in the way.` });
      throw session.error(error, `create folder ${dir}`);
    }
  }
  session.knownDirs.add(dir);
}

/** Forgets remembered folders at or under `path` (they were removed, or a write found one missing). */
export function forgetRemoteDirs(session: SshSession, path: string): void {
  for (const dir of session.knownDirs) {
    if (dir === path || dir.startsWith(`${path}/`)) session.knownDirs.delete(dir);
  }
}
