import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { descendantPids, signalQuietly } from './process-tree.ts';
import { runTool } from './run-tool.ts';
import { sshdConfig } from './sshd-config.ts';
import { knownHostsLine } from './known-hosts-line.ts';
import { freePort } from './free-port.ts';
import { generateSshKey, type SshKeyPair } from './ssh-keys.ts';
import { createTempDir } from './temp-dir.ts';

/** Options of {@link startSshd}. */
export interface SshdOptions {
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Extra sshd_config lines. */
  config?: readonly string[];
  /** Host key algorithm (default ed25519). */
  hostKeyType?: 'ed25519' | 'rsa' | 'ecdsa';
}

/**
 * A real OpenSSH server on 127.0.0.1, for tests. Logs in as the user running
 * the tests with {@link LoopbackSshd.userKey}; every file lives in
 * {@link LoopbackSshd.dir}, which {@link LoopbackSshd.close} removes.
 */
export interface LoopbackSshd {
  readonly host: string;
  readonly port: number;
  /** The login user: whoever runs the tests. */
  readonly user: string;
  /** Temp folder holding config, keys, known_hosts and the pid file. */
  readonly dir: string;
  /** An authorized key without passphrase. */
  readonly userKey: SshKeyPair;
  /** The server's host key pair. */
  readonly hostKey: SshKeyPair;
  /** A known_hosts file that trusts this server at `[127.0.0.1]:port`. */
  readonly knownHostsPath: string;
  /** Whether the listener is up. */
  readonly running: boolean;
  /** The known_hosts line for this server's key at `host:port` (default: its own endpoint). */
  knownHostsLine(options?: { host?: string; port?: number; hashed?: boolean }): string;
  /** Generates a new key in {@link dir} and (unless `authorize: false`) authorizes it. */
  createUserKey(name: string, options?: { passphrase?: string; type?: 'ed25519' | 'rsa' | 'ecdsa'; authorize?: boolean }): Promise<SshKeyPair>;
  /** Adds a public key line to authorized_keys. */
  authorize(publicKey: string): Promise<void>;
  /** Kills every connection's server process (the TCP connections drop) but keeps listening. */
  killSessions(): Promise<void>;
  /** Kills the listener and every session: the host is gone until {@link start}. */
  stop(): Promise<void>;
  /** Starts the listener again on the same port with the same host key. */
  start(): Promise<void>;
  /** The last lines sshd logged, for failure messages. */
  logs(): string;
  /** Stops the server and removes {@link dir}. */
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const MAX_LOG_LINES = 300;

/** The sshd binary: `$RUNCTL_SSHD`, else `/usr/sbin/sshd`. Throws (never skips) when missing. */
export function sshdPath(): string {
  const candidates = [process.env.RUNCTL_SSHD, '/usr/sbin/sshd', '/usr/local/sbin/sshd'].filter((path): path is string => path !== undefined && path !== '');
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) {
    throw new Error(
      `OpenSSH's sshd was not found (looked at ${candidates.join(', ')}). The SSH tests need a real sshd: install openssh-server ` +
        '(apt-get install openssh-server; .ci/run does this) or point RUNCTL_SSHD at the binary. These tests are never skipped.',
    );
  }
  return found;
}

/**
 * Starts OpenSSH's sshd on a free port of 127.0.0.1 with a generated host key
 * and user key, as the current user (root or not).
 *
 * @example
 * ```ts
 * const sshd = await startSshd();
 * const transport = createSshTransport({ host: sshd.host, port: sshd.port, username: sshd.user,
 *   privateKey: sshd.userKey.privateKey, knownHosts: sshd.knownHostsPath });
 * afterAll(() => sshd.close());
 * ```
 */
export async function startSshd(options: SshdOptions = {}): Promise<LoopbackSshd> {
  const binary = sshdPath();
  const account = userInfo();
  if (/(nologin|false)$/.test(account.shell ?? '')) {
    throw new Error(`The test user ${account.username} has login shell ${account.shell}; sshd could not run commands for it.`);
  }
  // Privilege separation needs this folder when sshd runs as root (the Debian service creates it at boot).
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });

  const temp = await createTempDir('sshd');
  const dir = temp.path;
  const files = { hostKeyPath: join(dir, 'host_key'), authorizedKeysPath: join(dir, 'authorized_keys'), pidFile: join(dir, 'sshd.pid') };
  const [hostKey, userKey] = await Promise.all([
    generateSshKey(files.hostKeyPath, { type: options.hostKeyType ?? 'ed25519', comment: 'runctl-test-host' }),
    generateSshKey(join(dir, 'user_key'), { comment: 'runctl-test-user' }),
  ]);
  await writeFile(files.authorizedKeysPath, `${userKey.publicKey}\n`, { mode: 0o600 });

  let port = options.port ?? (await freePort());
  const configPath = join(dir, 'sshd_config');
  const logLines: string[] = [];
  let child: ChildProcess | undefined;

  const writeConfig = async (): Promise<void> => {
    const { required, optional } = sshdConfig(port, account.username, files, options.config);
    const supported: string[] = [];
    for (const line of optional) {
      await writeFile(configPath, `${[...required, line].join('\n')}\n`);
      const ok = await runTool(binary, ['-t', '-f', configPath]).then(() => true, () => false);
      if (ok) supported.push(line);
    }
    await writeFile(configPath, `${[...required, ...supported].join('\n')}\n`);
    await runTool(binary, ['-t', '-f', configPath]);
  };

  const killAll = (): void => {
    if (child?.pid === undefined || child.exitCode !== null) return;
    const sessions = descendantPids(child.pid);
    signalQuietly(child.pid, 'SIGKILL');
    for (const pid of sessions) signalQuietly(pid, 'SIGKILL');
  };
  // A crashed test run must not leave a listener or its sessions behind.
  process.once('exit', killAll);

  const launch = async (): Promise<void> => {
    const process_ = spawn(binary, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = process_;
    let pending = '';
    process_.stderr?.setEncoding('utf8');
    process_.stderr?.on('data', (text: string) => {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      logLines.push(...lines);
      if (logLines.length > MAX_LOG_LINES) logLines.splice(0, logLines.length - MAX_LOG_LINES);
    });
    const exited = new Promise<never>((_, reject) => {
      process_.once('exit', (code, signal) => reject(new Error(`sshd exited (${code ?? signal}) before it was ready:\n${logLines.slice(-20).join('\n')}`)));
      process_.once('error', reject);
    });
    exited.catch(() => {});
    await Promise.race([waitForBanner(port), exited]);
  };

  await writeConfig();
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (error) {
      // A port picked by freePort() can be taken by someone else before sshd binds it.
      if (options.port !== undefined || attempt >= 3) {
        await temp.remove();
        throw error;
      }
      port = await freePort();
      await writeConfig();
    }
  }

  // Kills happen synchronously, the moment they are asked for: tests call them mid-transfer.
  const killNow = (): void => {
    const pid = child?.pid;
    if (pid === undefined) return;
    for (const descendant of descendantPids(pid)) signalQuietly(descendant, 'SIGKILL');
  };

  const killSessions = async (): Promise<void> => {
    killNow();
  };

  const stop = async (): Promise<void> => {
    const current = child;
    if (current?.pid === undefined || current.exitCode !== null || current.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    // Sessions are listed while they are still the listener's children, then all die together.
    killAll();
    await gone;
  };

  return {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    user: account.username,
    dir,
    userKey,
    hostKey,
    knownHostsPath: await writeKnownHosts(join(dir, 'known_hosts'), `${knownHostsLine(hostKey.publicKey, '127.0.0.1', port)}\n`),
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    knownHostsLine: (lineOptions = {}) => knownHostsLine(hostKey.publicKey, lineOptions.host ?? '127.0.0.1', lineOptions.port ?? port, lineOptions),
    async createUserKey(name, keyOptions = {}) {
      const pair = await generateSshKey(join(dir, `key-${name}`), {
        ...(keyOptions.type ? { type: keyOptions.type } : {}),
        ...(keyOptions.passphrase === undefined ? {} : { passphrase: keyOptions.passphrase }),
      });
      if (keyOptions.authorize !== false) await appendFile(files.authorizedKeysPath, `${pair.publicKey}\n`);
      return pair;
    },
    authorize: (publicKey) => appendFile(files.authorizedKeysPath, `${publicKey.trim()}\n`),
    killSessions,
    stop,
    async start() {
      if (child !== undefined && child.exitCode === null && child.signalCode === null) return;
      await launch();
    },
    logs: () => logLines.join('\n'),
    async close() {
      await stop();
      process.removeListener('exit', killAll);
      await temp.remove();
    },
  };
}

async function writeKnownHosts(path: string, text: string): Promise<string> {
  await writeFile(path, text, { mode: 0o600 });
  return path;
}

/** Resolves once something on the port answers with an SSH banner. */
async function waitForBanner(port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (await readsBanner(port)) return;
    if (Date.now() > deadline) throw new Error(`sshd did not answer on 127.0.0.1:${port} within ${READY_TIMEOUT_MS}ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function readsBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString('latin1').startsWith('SSH-')));
  });
}
