import type { Socket } from 'node:net';
import type { RunctlError } from '@runctl/core';
import type { Client } from 'ssh2';
import { ChannelSlots } from './channel-slots.ts';
import { startKeepalive } from './keepalive.ts';
import { operationError, type SshErrorContext } from './ssh-errors.ts';
import { sftpRealpath } from './sftp-ops.ts';
import { SftpPool } from './sftp-pool.ts';

/**
 * One live, authenticated SSH connection and everything tied to it: its
 * socket, keepalive, channel budget, SFTP channels and the folders known to
 * exist. A new connection starts with all of these empty.
 */
export class SshSession {
  readonly client: Client;
  readonly socket: Socket;
  readonly context: SshErrorContext;
  readonly slots: ChannelSlots;
  readonly sftp: SftpPool;
  /** Folders created or seen on the machine, so writes skip `mkdir -p` round trips. */
  readonly knownDirs = new Set<string>();
  #closed = false;

  constructor(client: Client, socket: Socket, context: SshErrorContext, limits: { maxChannels: number; sftpChannels: number; keepaliveIntervalMs: number }) {
    this.client = client;
    this.socket = socket;
    this.context = context;
    this.slots = new ChannelSlots(limits.maxChannels);
    this.sftp = new SftpPool(client, this.slots, limits.sftpChannels);
    // A tiny SFTP request is the ping: the server must answer it, and it needs no private ssh2 API.
    const stopKeepalive = startKeepalive(socket, limits.keepaliveIntervalMs, () => {
      void this.sftp.control().then((channel) => sftpRealpath(channel, '.')).catch(() => {});
    });
    client.once('close', () => {
      stopKeepalive();
      this.markClosed();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.knownDirs.clear();
    this.slots.drain();
  }

  /** The {@link RunctlError} for a failed request on this connection. */
  error(error: unknown, what: string): RunctlError {
    return operationError(error, this.context, what, this.#closed);
  }
}
