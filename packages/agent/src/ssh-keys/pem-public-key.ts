import { createPublicKey } from 'node:crypto';
import { mpint, sshString } from './ssh-wire.ts';

/**
 * The public key line (`<type> <base64>`, PEM has no comment) of an
 * unencrypted PEM/PKCS#8 RSA or ed25519 private key, derived with Node's
 * crypto; `undefined` for anything else.
 */
export function pemPublicKeyLine(text: string): string | undefined {
  try {
    const key = createPublicKey(text);
    const jwk = key.export({ format: 'jwk' });
    if (key.asymmetricKeyType === 'ed25519' && typeof jwk.x === 'string') {
      return `ssh-ed25519 ${Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.from(jwk.x, 'base64url'))]).toString('base64')}`;
    }
    if (key.asymmetricKeyType === 'rsa' && typeof jwk.n === 'string' && typeof jwk.e === 'string') {
      return `ssh-rsa ${Buffer.concat([sshString('ssh-rsa'), mpint(Buffer.from(jwk.e, 'base64url')), mpint(Buffer.from(jwk.n, 'base64url'))]).toString('base64')}`;
    }
  } catch {
    // Encrypted or not a key: the caller asks for the public key instead.
  }
  return undefined;
}
