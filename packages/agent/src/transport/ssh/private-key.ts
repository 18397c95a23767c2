import { readFile } from 'node:fs/promises';
import { RunctlError, registerSecret } from '@runctl/core';
import { expandHome } from '../../expand-home.ts';
import { loadSsh2 } from './load-ssh2.ts';

/**
 * Reads and checks a private key given as its text or as a file path.
 * Messages name the file, never the key or the passphrase.
 */
export async function loadPrivateKey(value: string, passphrase: string | undefined, provider: string | undefined): Promise<Buffer> {
  const inline = value.includes('PRIVATE KEY-----');
  const what = inline ? 'The private key given inline' : `The private key file ${value}`;
  let key: Buffer;
  if (inline) {
    key = Buffer.from(value);
  } else {
    try {
      key = await readFile(expandHome(value));
    } catch (error) {
      throw new RunctlError({ code: 'AUTH', provider, message: `${what} could not be read (${(error as { code?: string }).code ?? 'error'}).`, cause: error });
    }
    registerSecret(key.toString('utf8').trim());
  }
  const parsed = (await loadSsh2()).utils.parseKey(key, passphrase);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase|decrypt/i.test(parsed.message);
    throw new RunctlError({
      code: 'AUTH',
      provider,
      message: encrypted
        ? `${what} is encrypted and ${passphrase === undefined ? 'no passphrase was given' : 'the passphrase does not open it'}.`
        : `${what} is not a private key ssh2 can read.`,
      hint: encrypted ? 'Pass the key’s passphrase as `passphrase`.' : 'Use an OpenSSH or PEM private key (ed25519, ecdsa or rsa).',
    });
  }
  return key;
}
