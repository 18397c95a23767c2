import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { throwIfAborted } from '@runctl/core';
import { ensureRemoteDir, forgetRemoteDirs } from './remote-dirs.ts';
import { runPool } from './run-pool.ts';
import { isNoSuchFile } from './ssh-errors.ts';
import { sftpClose, sftpFchmod, sftpOpen, sftpRename, sftpUnlink, sftpWrite } from './sftp-ops.ts';
import type { SshSession } from './ssh-session.ts';

/**
 * Creates or replaces a file atomically: the bytes go to a temp file beside
 * it, which is then renamed over it (posix-rename@openssh.com), so readers
 * see the old file or the new one, never half of it. `mode` is set exactly,
 * whatever the server's umask.
 */
export async function writeRemoteFile(session: SshSession, path: string, data: string | Uint8Array, options: { mode?: number | undefined; signal?: AbortSignal | undefined }): Promise<void> {
  throwIfAborted(options.signal, session.context.provider);
  const channel = await session.sftp.control(options.signal);
  const dir = posix.dirname(path);
  await ensureRemoteDir(session, channel, dir);
  const temporary = posix.join(dir, `.${posix.basename(path)}.runctl-${randomBytes(4).toString('hex')}`);
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const mode = options.mode ?? 0o644;
  const handle = await sftpOpen(channel, temporary, 'w', mode).catch(async (error: unknown) => {
    // The folder was removed since we last saw it.
    if (!isNoSuchFile(error)) throw session.error(error, `write ${path}`);
    forgetRemoteDirs(session, dir);
    await ensureRemoteDir(session, channel, dir);
    return sftpOpen(channel, temporary, 'w', mode).catch((again: unknown) => {
      throw session.error(again, `write ${path}`);
    });
  });
  try {
    const chunk = channel.writeChunk;
    const positions = Array.from({ length: Math.ceil(body.length / chunk) }, (_, index) => index * chunk);
    const writes = runPool(positions, 16, (position) => sftpWrite(channel, handle, body.subarray(position, position + chunk), position));
    const chmod = options.mode === undefined ? Promise.resolve() : sftpFchmod(channel, handle, options.mode);
    await Promise.all([writes, chmod]);
    await sftpClose(channel, handle);
    await sftpRename(channel, temporary, path);
  } catch (error) {
    sftpClose(channel, handle).catch(() => {});
    sftpUnlink(channel, temporary).catch(() => {});
    throw session.error(error, `write ${path}`);
  }
}
