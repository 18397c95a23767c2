import type { Attributes, FileEntryWithStats, OpenMode, SFTPWrapper } from 'ssh2';
import type { FileInfo } from '../transport.ts';
import type { SftpChannel } from './sftp-pool.ts';

/**
 * Promise forms of the SFTP requests the transport uses. Each one first
 * checks the channel is open: ssh2 silently drops requests on a closed
 * channel, which would otherwise hang forever.
 */
function request<T>(channel: SftpChannel, send: (sftp: SFTPWrapper, done: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const { sftp } = channel;
    if ((sftp as unknown as { outgoing?: { state?: string } }).outgoing?.state !== 'open') {
      reject(new Error('Channel is not open'));
      return;
    }
    try {
      send(sftp, (error, value) => (error ? reject(error) : resolve(value)));
    } catch (error) {
      reject(error as Error);
    }
  });
}

export const sftpOpen = (channel: SftpChannel, path: string, flags: OpenMode, mode?: number): Promise<Buffer> =>
  request(channel, (sftp, done) => (mode === undefined ? sftp.open(path, flags, done) : sftp.open(path, flags, { mode }, done)));

export const sftpClose = (channel: SftpChannel, handle: Buffer): Promise<void> => request(channel, (sftp, done) => sftp.close(handle, (error) => done(error, undefined)));

/** Reads up to `length` bytes at `position`; fewer only at the end of the file (empty at or past it). */
export const sftpRead = (channel: SftpChannel, handle: Buffer, position: number, length: number): Promise<Buffer> =>
  request<Buffer>(channel, (sftp, done) => {
    const buffer = Buffer.allocUnsafe(length);
    sftp.read(handle, buffer, 0, length, position, (error, bytesRead) => {
      // ssh2 reports end-of-file as an error with code 1 (SSH_FX_EOF).
      if (error && (error as { code?: unknown }).code === 1) done(undefined, buffer.subarray(0, 0));
      else done(error, bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
    });
  });

export const sftpWrite = (channel: SftpChannel, handle: Buffer, data: Buffer, position: number): Promise<void> =>
  request(channel, (sftp, done) => sftp.write(handle, data, 0, data.length, position, (error) => done(error, undefined)));

export const sftpFstat = (channel: SftpChannel, handle: Buffer): Promise<Attributes> => request(channel, (sftp, done) => sftp.fstat(handle, done));

export const sftpFchmod = (channel: SftpChannel, handle: Buffer, mode: number): Promise<void> =>
  request(channel, (sftp, done) => sftp.fchmod(handle, mode, (error) => done(error, undefined)));

export const sftpLstat = (channel: SftpChannel, path: string): Promise<Attributes> => request(channel, (sftp, done) => sftp.lstat(path, done));

export const sftpRealpath = (channel: SftpChannel, path: string): Promise<string> => request(channel, (sftp, done) => sftp.realpath(path, done));

export const sftpMkdir = (channel: SftpChannel, path: string, mode?: number): Promise<void> =>
  request(channel, (sftp, done) => sftp.mkdir(path, mode === undefined ? {} : { mode }, (error) => done(error, undefined)));

export const sftpReaddir = (channel: SftpChannel, path: string): Promise<FileEntryWithStats[]> => request(channel, (sftp, done) => sftp.readdir(path, done));

export const sftpUnlink = (channel: SftpChannel, path: string): Promise<void> => request(channel, (sftp, done) => sftp.unlink(path, (error) => done(error, undefined)));

/** Replaces `to` atomically (posix-rename@openssh.com) where the server offers it. */
export const sftpRename = (channel: SftpChannel, from: string, to: string): Promise<void> =>
  request(channel, (sftp, done) => {
    const extensions = (sftp as unknown as { _extensions?: Record<string, string> })._extensions ?? {};
    if (extensions['posix-rename@openssh.com'] !== undefined) sftp.ext_openssh_rename(from, to, (error) => done(error, undefined));
    else sftp.rename(from, to, (error) => done(error, undefined));
  });

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** The transport's view of SFTP attributes. */
export function toFileInfo(attributes: Attributes): FileInfo {
  const kind = attributes.mode & S_IFMT;
  const type = kind === S_IFREG ? 'file' : kind === S_IFDIR ? 'directory' : kind === S_IFLNK ? 'symlink' : 'other';
  return { type, size: attributes.size, mtimeMs: attributes.mtime * 1000 };
}
