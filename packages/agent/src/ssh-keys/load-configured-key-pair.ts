import { readFile } from 'node:fs/promises';
import { InvalidInputError, registerSecret } from '@runctl/core';
import { expandHome } from '../expand-home.ts';
import { isPublicKeyLine, publicKeyOf } from './public-key.ts';
import type { SshKeyPair } from './ssh-key-pair.ts';

/** A key pair the user configured. */
export interface ConfiguredKeyOptions {
  /** Provider name, for errors. */
  provider: string;
  /** The private key: its text, or the path of its file (`~/` allowed). */
  privateKey: string;
  /** Its public key line. Default: `<path>.pub`, else derived from the private key. */
  publicKey?: string | undefined;
  /** The settings fields of both, named in errors (e.g. `settings.sshKey.privateKey`). */
  fields: { privateKey: string; publicKey: string };
}

/** Reads a configured key pair; the private key is registered as a secret. */
export async function loadConfiguredKeyPair(options: ConfiguredKeyOptions): Promise<SshKeyPair> {
  const { fields } = options;
  const invalid = (field: string, detail: string, cause?: unknown): InvalidInputError =>
    new InvalidInputError({ field, provider: options.provider, message: `Invalid ${field}: ${detail}`, cause });

  const path = options.privateKey.includes('PRIVATE KEY') ? undefined : expandHome(options.privateKey);
  let privateKey = options.privateKey;
  let publicFile: string | undefined;
  if (path !== undefined) {
    privateKey = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw invalid(fields.privateKey, `cannot read ${path} (${error.code ?? error.message}).`, error);
    });
    if (!privateKey.includes('PRIVATE KEY')) throw invalid(fields.privateKey, `${path} does not hold a private key.`);
    publicFile = await readFile(`${path}.pub`, 'utf8').then((line) => line.trim(), () => undefined);
  }
  registerSecret(privateKey);

  // A given line wins, then the .pub beside the file, then what the key itself tells.
  const given = options.publicKey?.trim();
  const publicKey = given ?? publicFile ?? publicKeyOf(privateKey);
  if (publicKey === undefined) {
    const where = path === undefined ? '' : ` or put it in ${path}.pub`;
    throw invalid(fields.publicKey, `the public key of ${path ?? fields.privateKey} cannot be derived; pass it as ${fields.publicKey}${where}.`);
  }
  if (!isPublicKeyLine(publicKey)) {
    const from = given !== undefined ? fields.publicKey : publicFile !== undefined ? `${path}.pub` : `the public key of ${path ?? fields.privateKey}`;
    throw invalid(fields.publicKey, `${from} is not an OpenSSH public key line.`);
  }
  return { privateKey, publicKey };
}
