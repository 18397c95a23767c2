import { constants } from 'node:os';
import { PassThrough } from 'node:stream';
import { InvalidInputError } from '@runctl/core';
import type { Client, ClientChannel } from 'ssh2';
import { quoteArgv } from '../../quote.ts';
import type { ExecOptions, ExecProcess } from '../transport.ts';
import type { SshConnection } from './ssh-connection.ts';
import { connectionLost, type SshErrorContext } from './ssh-errors.ts';

/**
 * The one command line a remote shell receives: the fixed `envPrefix` argv
 * followed by the command's argv, every word quoted by {@link quoteArgv}.
 */
export function remoteCommandLine(envPrefix: readonly string[], argv: readonly string[]): string {
  if (argv.length === 0) throw new InvalidInputError({ field: 'argv', message: 'Invalid argv: cannot run an empty argv.' });
  return quoteArgv([...envPrefix, ...argv]);
}

/**
 * Runs a command on an exec channel and streams it. Returns at once (the
 * connection and channel open in the background); `exit` rejects with a
 * retryable error if the connection drops before the exit status arrives.
 */
export function startRemoteProcess(connection: SshConnection, context: SshErrorContext, envPrefix: readonly string[], argv: readonly string[], options: ExecOptions = {}): ExecProcess {
  const command = remoteCommandLine(envPrefix, argv);
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let channel: ClientChannel | undefined;
  let killed = false;
  let settleKilled: (() => void) | undefined;
  if (options.stdin !== undefined) stdin.end(options.stdin);

  // Best effort: the "signal" request needs OpenSSH >= 7.9 and, before 9.8, a
  // non-root login. Either way the channel closes and `exit` settles at once;
  // a command that neither reads nor writes may run on until it ends.
  const kill = (): void => {
    killed = true;
    settleKilled?.();
    if (channel === undefined) return;
    try {
      channel.signal('KILL');
    } catch {
      // The channel may already be closing.
    }
    channel.unpipe(stdout);
    channel.stderr.unpipe(stderr);
    channel.close();
    stdout.end();
    stderr.end();
  };

  const run = (async (): Promise<number> => {
    const session = await connection.session(options.signal);
    // Killed while waiting for a slot: open nothing.
    const opened = await session.slots
      .open(async () => (killed ? undefined : openExecChannel(session.client, command)), { signal: options.signal, canRetry: () => !session.closed })
      .catch((error: unknown) => {
        throw session.error(error, `run ${argv[0]}`);
      });
    if (opened === undefined) {
      session.slots.release();
      return 128 + signalNumber('KILL');
    }
    channel = opened;
    if (killed) kill();
    else {
      opened.pipe(stdout);
      opened.stderr.pipe(stderr);
      stdin.pipe(opened);
    }
    return new Promise<number>((resolve, reject) => {
      let status: { code?: number | null; signal?: string | undefined } | undefined;
      opened.on('exit', (code: number | null, signal?: string) => {
        status = { code, signal };
      });
      opened.on('error', () => {});
      opened.once('close', () => {
        session.slots.release();
        if (status?.code !== undefined && status.code !== null) resolve(status.code);
        else if (status?.signal !== undefined) resolve(128 + signalNumber(status.signal));
        else if (killed) resolve(128 + signalNumber('KILL'));
        else reject(connectionLost(context, new Error(`the channel of ${argv[0]} closed without an exit status`)));
      });
    });
  })();

  const killedExit = new Promise<number>((resolve) => {
    settleKilled = () => resolve(128 + signalNumber('KILL'));
  });
  const exit = Promise.race([run, killedExit]);
  // In flight until it exits (or is killed): the connection keeps the process alive meanwhile.
  connection.use(() => exit).catch(() => {});
  exit.catch(() => {
    // Nothing more will come: let readers of the streams finish.
    stdout.end();
    stderr.end();
  });
  const onAbort = (): void => kill();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  void exit.finally(() => options.signal?.removeEventListener('abort', onAbort)).catch(() => {});
  if (options.signal?.aborted) kill();

  return { stdin, stdout, stderr, exit, kill };
}

function openExecChannel(client: Client, command: string): Promise<ClientChannel> {
  return new Promise<ClientChannel>((resolve, reject) => {
    try {
      client.exec(command, (error, stream) => (error ? reject(error) : resolve(stream)));
    } catch (error) {
      reject(error);
    }
  });
}

function signalNumber(name: string): number {
  const key = (name.startsWith('SIG') ? name : `SIG${name}`) as NodeJS.Signals;
  return constants.signals[key] ?? 0;
}
