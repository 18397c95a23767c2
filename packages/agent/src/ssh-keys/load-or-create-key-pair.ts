import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, registerSecret } from '@runctl/core';
import { generateEd25519KeyPair } from './openssh-key-format.ts';
import { isPublicKeyLine, publicKeyOf } from './public-key.ts';
import type { SshKeyPair } from './ssh-key-pair.ts';

/** Where runctl keeps the key it generates. */
export interface GeneratedKeyOptions {
  /** Provider name, for errors. */
  provider: string;
  /** Folder of the key, created with mode 0700. */
  keyDir: string;
  /** File name of the private key in `keyDir`, e.g. `runpod_ed25519`; the public line goes to `<keyName>.pub`. */
  keyName: string;
  /** Comment written into a new key. */
  comment: string;
  /** The settings field that chose `keyDir` (e.g. `settings.keyDir`), named in errors. */
  field: string;
}

/**
 * The key pair runctl generated in `keyDir`, generated on first use: ed25519,
 * mode 0600, with its public line in `<keyName>.pub`. The private key is
 * registered as a secret. Processes starting at once agree on one key.
 */
export async function loadOrCreateKeyPair(options: GeneratedKeyOptions): Promise<SshKeyPair> {
  const path = join(options.keyDir, options.keyName);
  const pair = (await readKeyPair(path, options)) ?? (await createKeyPair(path, options));
  registerSecret(pair.privateKey);
  return pair;
}

/**
 * Writes a complete candidate beside the key and hard-links it into place:
 * link() never replaces a file, so exactly one racer's key becomes the key,
 * and nobody can see a half-written one. Losers read the winner's.
 */
async function createKeyPair(path: string, options: GeneratedKeyOptions): Promise<SshKeyPair> {
  const pair = generateEd25519KeyPair(options.comment);
  const staging = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(options.keyDir, { recursive: true, mode: 0o700 });
    await writeFile(staging, pair.privateKey, { mode: 0o600, flag: 'wx' });
    await chmod(staging, 0o600); // exactly 0600, whatever the umask
    await writeFile(`${staging}.pub`, `${pair.publicKey}\n`, { mode: 0o644, flag: 'wx' });
    if (await linkUnlessTaken(staging, path)) {
      // Only the winner writes the .pub; rename() replaces any stale one at once.
      await rename(`${staging}.pub`, `${path}.pub`).catch(() => undefined); // a convenience: the key itself holds its public half
      return pair;
    }
  } catch (error) {
    throw invalidKeyDir(options, `cannot create the SSH key ${path} (${reasonOf(error)}).`, error);
  } finally {
    await Promise.all([rm(staging, { force: true }), rm(`${staging}.pub`, { force: true })]);
  }
  const theirs = await readKeyPair(path, options);
  if (theirs === undefined) throw invalidKeyDir(options, `${path} was removed while runctl was creating it.`);
  return theirs;
}

/**
 * The existing key, or `undefined` when there is none. Its public line comes
 * from the private key itself (with the comment stored in it): a `.pub` can be
 * stale, so it is only a fallback.
 */
async function readKeyPair(path: string, options: GeneratedKeyOptions): Promise<SshKeyPair | undefined> {
  let privateKey: string;
  try {
    privateKey = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw invalidKeyDir(options, `cannot read the SSH key ${path} (${reasonOf(error)}).`, error);
  }
  const publicKey = publicKeyOf(privateKey) ?? (await readFile(`${path}.pub`, 'utf8').then((line) => line.trim(), () => undefined));
  if (!privateKey.includes('PRIVATE KEY') || publicKey === undefined || !isPublicKeyLine(publicKey)) {
    throw invalidKeyDir(options, `${path} is not a key runctl can use (no private key, or no public key line for it). Delete it and ${path}.pub to have runctl generate a new one.`);
  }
  return { privateKey, publicKey };
}

/** `true` when `target` now holds `source`; `false` when another file was there first. */
async function linkUnlessTaken(source: string, target: string): Promise<boolean> {
  try {
    await link(source, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function invalidKeyDir(options: GeneratedKeyOptions, detail: string, cause?: unknown): InvalidInputError {
  return new InvalidInputError({ field: options.field, provider: options.provider, message: `Invalid ${options.field}: ${detail}`, cause });
}

function reasonOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
