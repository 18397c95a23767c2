import type { Transport } from '../transport.ts';
import type { ReconnectPolicy } from './reconnect-policy.ts';
import type { SshConnection } from './ssh-connection.ts';
import type { SshErrorContext } from './ssh-errors.ts';

/** What uploads and downloads need from their transport. */
export interface TransferContext {
  connection: SshConnection;
  context: SshErrorContext;
  reconnect: ReconnectPolicy;
  /** SFTP channels a single big file is spread over. */
  sftpChannels: number;
  /** The transport's own exec, for checksums on the machine. */
  exec: Transport['exec'];
  /** Which downloads get an end-to-end SHA-256 check. */
  verify: 'resumed' | 'always';
}
