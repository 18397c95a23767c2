import { openSshPublicKeyLine } from './openssh-key-format.ts';
import { pemPublicKeyLine } from './pem-public-key.ts';

/**
 * The public key line of a private key, found without its passphrase, as
 * `ssh-keygen -y` prints it: OpenSSH keys carry it (and, unencrypted, their
 * comment); unencrypted PEM RSA and ed25519 keys are derived.
 * `undefined` for other keys (encrypted PEM, ECDSA PEM, PuTTY).
 */
export function publicKeyOf(privateKey: string): string | undefined {
  return openSshPublicKeyLine(privateKey) ?? pemPublicKeyLine(privateKey);
}

/** `<type> <base64>` of a public key line, without the comment: what identifies the key. */
export function keyIdentity(publicKeyLine: string): string {
  const [type, blob] = publicKeyLine.trim().split(/\s+/);
  return `${type ?? ''} ${blob ?? ''}`;
}

/** Whether `line` looks like an OpenSSH public key line (`ssh-…`, `ecdsa-…` or `sk-…`, then the key). */
export function isPublicKeyLine(line: string): boolean {
  return /^(ssh|ecdsa|sk)-\S+ \S+/.test(line);
}
