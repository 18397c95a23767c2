import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, registerSecret } from '@runctl/core';
import { expandHome } from '../lyceum-settings.ts';
import { generateEd25519KeyPair, publicKeyOf, type SshKeyPair } from './openssh-format.ts';

/** Where the key comes from. */
export interface SshKeySource {
  provider: string;
  /** Private key text or path, from settings. */
  privateKey: string | undefined;
  /** Public key line, from settings. */
  publicKey: string | undefined;
  /** Folder of the generated key. */
  keyDir: string;
}

/** File name of the key runctl generates for Lyceum. */
export const GENERATED_KEY_NAME = 'lyceum_ed25519';

/**
 * The SSH key pair VMs are created with: the one in settings (text or
 * path), or an ed25519 key generated once in `keyDir` (mode 0600) and
 * reused by every later process.
 */
export async function loadSshKey(source: SshKeySource): Promise<SshKeyPair> {
  const pair = source.privateKey === undefined ? await generatedKey(source.keyDir) : await configuredKey(source);
  registerSecret(pair.privateKey);
  return pair;
}

async function configuredKey(source: SshKeySource): Promise<SshKeyPair> {
  const isText = source.privateKey?.includes('PRIVATE KEY') === true;
  const path = isText ? undefined : expandHome(source.privateKey as string);
  let privateKey = source.privateKey as string;
  if (path !== undefined) {
    privateKey = await readFile(path, 'utf8').catch((error: unknown) => {
      throw new InvalidInputError({ field: 'settings.sshPrivateKey', provider: source.provider, message: `Invalid settings.sshPrivateKey: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).` });
    });
  }
  const fromFile = path === undefined ? undefined : await readFile(`${path}.pub`, 'utf8').catch(() => undefined);
  const publicKey = source.publicKey ?? fromFile?.trim() ?? publicKeyOf(privateKey);
  if (publicKey === undefined || publicKey === '') {
    throw new InvalidInputError({
      field: 'settings.sshPublicKey',
      provider: source.provider,
      message: 'Invalid settings.sshPublicKey: the public half of settings.sshPrivateKey cannot be derived; pass it as settings.sshPublicKey.',
    });
  }
  return { privateKey, publicKey };
}

/** Reads the generated key, or makes it. Two processes racing both end up with the same key. */
async function generatedKey(keyDir: string): Promise<SshKeyPair> {
  const path = join(keyDir, GENERATED_KEY_NAME);
  const existing = await readPair(path);
  if (existing !== undefined) return existing;
  await mkdir(keyDir, { recursive: true, mode: 0o700 });
  const pair = generateEd25519KeyPair(`runctl-lyceum@${randomBytes(3).toString('hex')}`);
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(`${temp}.pub`, `${pair.publicKey}\n`, { mode: 0o644 });
    await writeFile(temp, pair.privateKey, { mode: 0o600 });
    await chmod(temp, 0o600); // the umask may have widened it
    // The public file first: whoever sees the private key can count on its .pub.
    await link(`${temp}.pub`, `${path}.pub`).catch(ignoreExists);
    // link() never replaces: only one process's key becomes the key.
    await link(temp, path).catch(ignoreExists);
  } finally {
    await Promise.all([rm(temp, { force: true }), rm(`${temp}.pub`, { force: true })]);
  }
  const settled = await readPair(path);
  if (settled === undefined) throw new Error(`runctl could not create an SSH key at ${path}`);
  return settled;
}

async function readPair(path: string): Promise<SshKeyPair | undefined> {
  const privateKey = await readFile(path, 'utf8').catch(() => undefined);
  if (privateKey === undefined) return undefined;
  // The .pub may be from a losing racer; the private key's own public half is the truth.
  const publicKey = publicKeyOf(privateKey) ?? (await readFile(`${path}.pub`, 'utf8').catch(() => undefined))?.trim();
  return publicKey === undefined ? undefined : { privateKey, publicKey };
}

function ignoreExists(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
}
