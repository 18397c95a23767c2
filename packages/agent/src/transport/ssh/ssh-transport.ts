import { collectProcess } from '../collect-process.ts';
import type { ExecOptions, ExecResult, Transport } from '../transport.ts';
import { downloadTree } from './download-tree.ts';
import { startRemoteProcess } from './remote-process.ts';
import { SshConnection } from './ssh-connection.ts';
import { isNoSuchFile, type SshErrorContext } from './ssh-errors.ts';
import { sftpFileReader } from './sftp-file-reader.ts';
import { sftpClose, sftpFstat, sftpLstat, sftpOpen, sftpRealpath, toFileInfo } from './sftp-ops.ts';
import { readRange } from './sftp-range-read.ts';
import type { SftpChannel } from './sftp-pool.ts';
import type { SshSession } from './ssh-session.ts';
import { resolveSshTransportOptions, type SshTransportOptions } from './ssh-transport-options.ts';
import type { TransferContext } from './transfer-context.ts';
import { uploadTree } from './upload-tree.ts';
import { writeRemoteFile } from './write-remote-file.ts';

/** Reads longer than this first ask the file's size, so they never wait for bytes that are not there. */
const SIZED_READ_BYTES = 64 << 20;

/**
 * The transport for a machine reached over SSH (ssh2): commands on exec
 * channels, files over SFTP, all multiplexed on one connection that is
 * opened on first use, kept alive, and opened again after a drop.
 *
 * Host keys are checked against `knownHosts` (strictly by default); a
 * refused key is an `AUTH` error raised before any command is sent. A lost
 * connection fails the calls in flight with retryable `PROVIDER` errors
 * (`monitor` reconnects and resumes from its cursor); downloads and uploads
 * reconnect and go on by themselves.
 *
 * @example
 * ```ts
 * const transport = createSshTransport({
 *   host: '203.0.113.7', username: 'ubuntu', privateKey: '~/.ssh/id_ed25519',
 * });
 * const { stdout } = await transport.exec(['nvidia-smi', '-L']);
 * await transport.close();
 * ```
 */
export function createSshTransport(options: SshTransportOptions): Transport {
  const resolved = resolveSshTransportOptions(options);
  const context: SshErrorContext = { where: `ssh ${resolved.username}@${resolved.host}:${resolved.port}`, provider: resolved.provider };
  const connection = new SshConnection(resolved, context);

  const spawn: Transport['spawn'] = (argv, execOptions = {}) => startRemoteProcess(connection, context, resolved.envPrefix, argv, execOptions);
  const exec = async (argv: readonly string[], execOptions: ExecOptions = {}): Promise<ExecResult> => collectProcess(spawn(argv, execOptions), argv, execOptions, context.where);
  const transfer: TransferContext = { connection, context, reconnect: resolved.reconnect, sftpChannels: resolved.sftpChannels, exec, verify: resolved.verifyDownloads };

  /** Runs one SFTP request on the control channel, mapping its errors. */
  const onControl = <T>(what: string, signal: AbortSignal | undefined, work: (session: SshSession, channel: SftpChannel) => Promise<T>): Promise<T> =>
    connection.use(async () => {
      const session = await connection.session(signal);
      try {
        return await work(session, await session.sftp.control(signal));
      } catch (error) {
        throw session.error(error, what);
      }
    });

  return {
    description: context.where,
    // Each read is a round trip; big reads keep log following near `ssh cat` speed.
    preferredReadBytes: 1 << 20,
    exec,
    spawn,

    readFile(path, readOptions = {}) {
      const { offset = 0, length, signal } = readOptions;
      return onControl(`read ${path}`, signal, async (_, channel) => {
        const handle = await sftpOpen(channel, path, 'r');
        try {
          let wanted = length ?? Number.POSITIVE_INFINITY;
          if (wanted > SIZED_READ_BYTES) wanted = Math.min(wanted, Math.max(0, (await sftpFstat(channel, handle)).size - offset));
          return wanted <= 0 ? Buffer.alloc(0) : await readRange(channel, handle, offset, wanted, { signal });
        } finally {
          // Queued behind the reads on the same channel; no need to wait for it.
          sftpClose(channel, handle).catch(() => {});
        }
      });
    },

    openReader(path, readerOptions = {}) {
      return onControl(`open ${path}`, readerOptions.signal, async (session, channel) => sftpFileReader(connection, session, channel, await sftpOpen(channel, path, 'r'), path));
    },

    async stat(path, statOptions = {}) {
      try {
        return await onControl(`stat ${path}`, statOptions.signal, async (_, channel) => toFileInfo(await sftpLstat(channel, path)));
      } catch (error) {
        if (isNoSuchFile(error)) return undefined;
        throw error;
      }
    },

    async realpath(path, realpathOptions = {}) {
      try {
        return await onControl(`resolve ${path}`, realpathOptions.signal, async (_, channel) => {
          const resolvedPath = await sftpRealpath(channel, path);
          // Some servers resolve missing paths too; only an existing one counts.
          await sftpLstat(channel, resolvedPath);
          return resolvedPath;
        });
      } catch (error) {
        if (isNoSuchFile(error)) return undefined;
        throw error;
      }
    },

    writeFile: (path, data, writeOptions = {}) =>
      connection.use(async () => {
        const session = await connection.session(writeOptions.signal);
        try {
          await writeRemoteFile(session, path, data, writeOptions);
        } catch (error) {
          throw session.error(error, `write ${path}`);
        }
      }),

    upload: (localPath, remotePath, transferOptions = {}) => connection.use(() => uploadTree(transfer, localPath, remotePath, transferOptions)),

    download: (remotePath, localPath, transferOptions = {}) => connection.use(() => downloadTree(transfer, remotePath, localPath, transferOptions)),

    close: () => connection.close(),
  };
}
