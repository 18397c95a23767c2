import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, RunctlError, registerSecret } from '@runctl/core';
import { generateEd25519Key, publicKeyOfOpenSshPrivateKey } from './openssh-key.ts';
import { expandHome, type RunpodSshKeySettings } from './runpod-settings.ts';

/** The key runctl logs in to pods with. */
export interface SshIdentity {
  /** Private key text (a registered secret). */
  privateKey: string;
  passphrase?: string;
  /** Public key line registered with the RunPod account. */
  publicKey: string;
  /** Where it came from, for messages: a path, or `settings.sshKey`. */
  origin: string;
}

/** File name of the generated key inside `keyDir`. */
export const GENERATED_KEY_NAME = 'runpod_ed25519';

/**
 * Loads `settings.sshKey` (text or path), or the key runctl generated in
 * `keyDir`, generating it on first use: ed25519, mode 0600 in a 0700
 * folder, created atomically so two processes starting at once agree on one key.
 */
export async function loadSshIdentity(sshKey: RunpodSshKeySettings | undefined, keyDir: string, provider: string): Promise<SshIdentity> {
  if (sshKey !== undefined) return fromSettings(sshKey, provider);
  const path = join(keyDir, GENERATED_KEY_NAME);
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
  if (existing !== undefined) return fromText(existing, undefined, `${path}.pub`, path, provider);

  await mkdir(keyDir, { recursive: true, mode: 0o700 });
  const pair = generateEd25519Key('runctl-runpod');
  const staging = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(staging, pair.privateKey, { mode: 0o600, flag: 'wx' });
  try {
    await link(staging, path); // fails if another process won the race: then use its key
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(staging, { force: true });
  }
  await chmod(path, 0o600);
  const text = await readFile(path, 'utf8');
  // Ours won the race: keep the comment of the line we generated.
  const publicKey = text === pair.privateKey ? { privateKey: path, publicKey: pair.publicKey } : undefined;
  const identity = await fromText(text, publicKey, undefined, path, provider);
  await writeFile(`${path}.pub`, `${identity.publicKey}\n`, { mode: 0o644 }).catch(() => undefined);
  return identity;
}

async function fromSettings(sshKey: RunpodSshKeySettings, provider: string): Promise<SshIdentity> {
  const isText = sshKey.privateKey.includes('PRIVATE KEY');
  if (isText) registerSecret(sshKey.privateKey);
  const path = isText ? undefined : expandHome(sshKey.privateKey);
  const text = path === undefined ? sshKey.privateKey : await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new InvalidInputError({ field: 'settings.sshKey.privateKey', provider, message: `Invalid settings.sshKey.privateKey: cannot read ${path} (${error.code ?? error.message}).` });
  });
  return fromText(text, sshKey, path === undefined ? undefined : `${path}.pub`, path ?? 'settings.sshKey', provider);
}

async function fromText(text: string, sshKey: RunpodSshKeySettings | undefined, publicPath: string | undefined, origin: string, provider: string): Promise<SshIdentity> {
  registerSecret(text);
  const publicFile = publicPath === undefined ? undefined : await readFile(publicPath, 'utf8').then((line) => line.trim(), () => undefined);
  const publicKey = sshKey?.publicKey?.trim() ?? publicFile ?? publicKeyOfOpenSshPrivateKey(text);
  if (publicKey === undefined || !/^(ssh|ecdsa|sk)-\S+ \S+/.test(publicKey)) {
    throw new InvalidInputError({
      field: 'settings.sshKey.publicKey',
      provider,
      message: `Invalid settings.sshKey.publicKey: no public key for ${origin}. Pass publicKey, or put it in ${publicPath ?? '<key>.pub'}, or use an OpenSSH-format private key.`,
    });
  }
  if (!text.includes('PRIVATE KEY')) {
    throw new RunctlError({ code: 'INVALID_INPUT', provider, message: `${origin} does not hold a private key.` });
  }
  return { privateKey: text, publicKey, origin, ...(sshKey?.passphrase === undefined ? {} : { passphrase: sshKey.passphrase }) };
}
