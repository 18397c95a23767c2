import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RunctlError } from '@runctl/core';
import { entryMatches, fingerprint, keyTypeOf, knownHostName, knownHostsLine, parseKnownHosts, type KnownHostEntry } from './known-hosts.ts';
import type { HostKeyPolicy } from './ssh-transport-options.ts';
import type { SshErrorContext } from './ssh-errors.ts';

/** What one connection attempt checks the server's key against. */
export interface HostKeyCheck {
  /** For ssh2's `hostVerifier`: calls `done(true)` only for a trusted key. */
  verify(key: Buffer, done: (trusted: boolean) => void): void;
  /** Set once a key was refused: why, as an `AUTH` error. */
  readonly rejection: RunctlError | undefined;
  /** Host key algorithms to ask for first: the types already known for this host, as OpenSSH does. */
  readonly preferredAlgorithms: string[];
}

// Known key types → the algorithms that produce them (RSA keys sign with SHA-2 first).
const ALGORITHMS_BY_KEY_TYPE: Readonly<Record<string, readonly string[]>> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Reads the known_hosts file (fresh for every connection, so edits apply at
 * once) and returns the check for one handshake. Nothing is ever accepted
 * silently: an unknown host is refused under `strict`, pinned under
 * `accept-new`; a changed or revoked key is always refused.
 */
export async function prepareHostKeyCheck(settings: { host: string; port: number; knownHosts: string; policy: HostKeyPolicy }, context: SshErrorContext): Promise<HostKeyCheck> {
  const { host, port, knownHosts, policy } = settings;
  const entries = await readEntries(knownHosts, context);
  const forHost = entries.filter((entry) => entry.marker === undefined && entryMatches(entry, host, port));
  const revoked = entries.filter((entry) => entry.marker === 'revoked' && entryMatches(entry, host, port));
  const name = knownHostName(host, port);
  let rejection: RunctlError | undefined;
  const refuse = (message: string, hint: string): false => {
    rejection = new RunctlError({ code: 'AUTH', provider: context.provider, message, hint });
    return false;
  };

  const decide = async (key: Buffer): Promise<boolean> => {
    const type = keyTypeOf(key);
    const print = fingerprint(key);
    if (revoked.some((entry) => entry.key.equals(key))) {
      return refuse(`Host key verification failed for ${name}: its ${type} key ${print} is marked @revoked in ${knownHosts}.`, 'Do not connect until the host has a new key.');
    }
    if (forHost.some((entry) => entry.key.equals(key))) return true;
    if (forHost.length > 0) {
      const lines = forHost.map((entry) => entry.line).join(', ');
      return refuse(
        `Host key verification failed for ${name}: it presented ${type} key ${print}, but ${knownHosts} (line ${lines}) expects a different key. ` +
          'Someone could be intercepting the connection, or the host was reinstalled.',
        `If the host really was reinstalled, remove the old key with: ssh-keygen -R '${name}' -f '${knownHosts}'`,
      );
    }
    if (policy === 'strict') {
      return refuse(
        `Host key verification failed for ${name}: the host is not in ${knownHosts} (it presented ${type} key ${print}).`,
        `Add the host's key to ${knownHosts} after checking its fingerprint (ssh-keyscan -p ${port} ${host}), or use hostKeyPolicy 'accept-new' to pin it on first connect.`,
      );
    }
    return pin(key, type, print);
  };

  // accept-new: append, then re-read, so two processes pinning different keys at once both fail.
  const pin = async (key: Buffer, type: string, print: string): Promise<boolean> => {
    try {
      await mkdir(dirname(knownHosts), { recursive: true, mode: 0o700 });
      await appendFile(knownHosts, `${knownHostsLine(host, port, type, key)}\n`, { mode: 0o600 });
    } catch (error) {
      rejection = new RunctlError({ code: 'AUTH', provider: context.provider, message: `Could not pin the host key of ${name} into ${knownHosts}: ${(error as Error).message}`, cause: error });
      return false;
    }
    const pinned = (await readEntries(knownHosts, context)).filter((entry) => entry.marker === undefined && entryMatches(entry, host, port));
    if (pinned.every((entry) => entry.key.equals(key))) return true;
    return refuse(`Host key verification failed for ${name}: another key was pinned for it in ${knownHosts} at the same time as ${type} key ${print}.`, 'Check the host keys in that file by hand.');
  };

  const knownTypes = [...new Set(forHost.map((entry) => entry.keyType))];
  return {
    verify(key, done) {
      decide(key).then(done, (error: unknown) => {
        rejection = RunctlError.isInstance(error) ? error : new RunctlError({ code: 'AUTH', provider: context.provider, message: `Could not check the host key of ${name}.`, cause: error });
        done(false);
      });
    },
    get rejection() {
      return rejection;
    },
    preferredAlgorithms: knownTypes.flatMap((type) => ALGORITHMS_BY_KEY_TYPE[type] ?? []),
  };
}

async function readEntries(path: string, context: SshErrorContext): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw new RunctlError({ code: 'AUTH', provider: context.provider, message: `Could not read the known_hosts file ${path}: ${(error as Error).message}`, cause: error });
  }
}
