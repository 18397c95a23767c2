import type { Client, SFTPWrapper } from 'ssh2';
import type { ChannelSlots } from './channel-slots.ts';

/** Request sizes when the server does not say (ssh2 records OpenSSH's limits@openssh.com answer). */
const FALLBACK_CHUNK = 32 * 1024;
/** Extra channels close after this long unused, handing their session slot back. */
const IDLE_CLOSE_MS = 5_000;

/** One SFTP channel and the largest read and write it accepts in one request. */
export interface SftpChannel {
  sftp: SFTPWrapper;
  readChunk: number;
  writeChunk: number;
}

/** Channels lent to one transfer; give them back with `release()`. */
export interface SftpLease {
  channels: SftpChannel[];
  release(): void;
}

interface Extra {
  channel: SftpChannel;
  users: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  closed: boolean;
}

/**
 * The SFTP channels of one connection. The control channel stays open and
 * serves small requests (stat, log reads, writes). Big transfers lease up to
 * `size` channels: each is its own sftp-server process and flow-control
 * window, which matters on long links. Extra channels close when idle, so
 * they never starve commands of the server's session slots.
 */
export class SftpPool {
  readonly #client: Client;
  readonly #slots: ChannelSlots;
  readonly #size: number;
  #control: Promise<SftpChannel> | undefined;
  readonly #extras: Extra[] = [];
  #opening = 0;

  constructor(client: Client, slots: ChannelSlots, size: number) {
    this.#client = client;
    this.#slots = slots;
    this.#size = size;
  }

  /** The channel for small requests, opened on first use. */
  control(signal?: AbortSignal): Promise<SftpChannel> {
    if (this.#control === undefined) {
      const opening = this.#open(signal);
      this.#control = opening;
      // A failed or closed control channel is opened again next time.
      const forget = (): void => {
        if (this.#control === opening) this.#control = undefined;
      };
      opening.then((channel) => {
        this.#slots.pin(1);
        channel.sftp.once('close', () => {
          this.#slots.pin(-1);
          forget();
        });
      }, forget);
    }
    return this.#control;
  }

  /**
   * Channels for one transfer, least busy first, opening extra ones while
   * the pool has room (a refused one is no failure: fewer channels carry the
   * work). `count` > 1: the control channel plus up to `count - 1` extras,
   * for one big file. `count` = 1: one extra if there can be one, leaving
   * the control channel to small requests; for the files of a folder.
   */
  async lease(count: number, signal?: AbortSignal): Promise<SftpLease> {
    const control = await this.control(signal);
    const extrasWanted = this.#size === 1 ? 0 : count > 1 ? Math.min(count, this.#size) - 1 : 1;
    const live = (): Extra[] => this.#extras.filter((extra) => !extra.closed);
    const idle = live().filter((extra) => extra.users === 0).length;
    const room = this.#size - 1 - live().length - this.#opening;
    const toOpen = Math.max(0, Math.min(extrasWanted - idle, room));
    this.#opening += toOpen;
    await Promise.all(
      Array.from({ length: toOpen }, () =>
        this.#open(signal, { optional: true })
          .then((channel) => this.#adopt(channel))
          .catch(() => undefined)
          .finally(() => {
            this.#opening--;
          }),
      ),
    );
    const picked = live()
      .sort((a, b) => a.users - b.users)
      .slice(0, extrasWanted);
    for (const extra of picked) {
      extra.users++;
      clearTimeout(extra.timer);
    }
    let released = false;
    const extras = picked.map((extra) => extra.channel);
    return {
      channels: count > 1 ? [control, ...extras] : extras.slice(0, 1).concat(extras.length === 0 ? [control] : []),
      release: () => {
        if (released) return;
        released = true;
        for (const extra of picked) {
          extra.users--;
          if (extra.users === 0 && !extra.closed) {
            extra.timer = setTimeout(() => extra.channel.sftp.end(), IDLE_CLOSE_MS);
            extra.timer.unref();
          }
        }
      },
    };
  }

  #adopt(channel: SftpChannel): void {
    const extra: Extra = { channel, users: 0, timer: undefined, closed: false };
    this.#extras.push(extra);
    channel.sftp.once('close', () => {
      extra.closed = true;
      clearTimeout(extra.timer);
      this.#extras.splice(this.#extras.indexOf(extra), 1);
    });
  }

  /** Opens a channel in a session slot (see {@link ChannelSlots.open}). */
  #open(signal?: AbortSignal, options: { optional?: boolean } = {}): Promise<SftpChannel> {
    return this.#slots.open(() => this.#request(), { signal, ...options });
  }

  /** One SFTP channel, holding the session slot its caller acquired until it closes. */
  async #request(): Promise<SftpChannel> {
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) => {
      try {
        this.#client.sftp((error, opened) => (error ? reject(error) : resolve(opened)));
      } catch (error) {
        reject(error);
      }
    });
    sftp.once('close', () => this.#slots.release());
    // Without a listener a channel error would crash the process; requests report their own errors.
    sftp.on('error', () => {});
    const limits = sftp as unknown as { _maxReadLen?: unknown; _maxWriteLen?: unknown };
    return {
      sftp,
      readChunk: typeof limits._maxReadLen === 'number' ? limits._maxReadLen : FALLBACK_CHUNK,
      writeChunk: typeof limits._maxWriteLen === 'number' ? limits._maxWriteLen : FALLBACK_CHUNK,
    };
  }
}
