import { generateKeyPairSync, randomBytes } from 'node:crypto';

// The OpenSSH private key container ("openssh-key-v1", PROTOCOL.key in OpenSSH's sources).
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const END = '-----END OPENSSH PRIVATE KEY-----';

/** A key pair in OpenSSH formats. */
export interface OpenSshKeyPair {
  /** `-----BEGIN OPENSSH PRIVATE KEY-----` text, unencrypted. */
  privateKey: string;
  /** `ssh-ed25519 AAAA… comment`. */
  publicKey: string;
}

/** A fresh ed25519 key pair, written the way `ssh-keygen -t ed25519 -N ''` writes it. */
export function generateEd25519Key(comment: string): OpenSshKeyPair {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d as string, 'base64url');
  const publicRaw = Buffer.from(jwk.x as string, 'base64url');
  const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(publicRaw)]);
  const check = randomBytes(4);
  const body = Buffer.concat([check, check, sshString('ssh-ed25519'), sshString(publicRaw), sshString(Buffer.concat([seed, publicRaw])), sshString(comment)]);
  const padding = Buffer.from(Array.from({ length: (8 - (body.length % 8)) % 8 }, (_, index) => index + 1));
  const container = Buffer.concat([MAGIC, sshString('none'), sshString('none'), sshString(''), uint32(1), sshString(publicBlob), sshString(Buffer.concat([body, padding]))]);
  const lines = container.toString('base64').match(/.{1,70}/g) ?? [];
  return {
    privateKey: `${BEGIN}\n${lines.join('\n')}\n${END}\n`,
    publicKey: `ssh-ed25519 ${publicBlob.toString('base64')} ${comment}`,
  };
}

/**
 * The public key line (`<type> <base64>`) stored in clear inside an OpenSSH
 * private key, encrypted or not; `undefined` for other formats (PEM, PPK).
 */
export function publicKeyOfOpenSshPrivateKey(text: string): string | undefined {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return undefined;
  const data = Buffer.from(text.slice(start + BEGIN.length, end).replace(/\s+/g, ''), 'base64');
  if (!data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  try {
    let offset = MAGIC.length;
    const next = (): Buffer => {
      const length = data.readUInt32BE(offset);
      const value = data.subarray(offset + 4, offset + 4 + length);
      if (value.length !== length) throw new RangeError('truncated key');
      offset += 4 + length;
      return value;
    };
    next(); // cipher
    next(); // kdf
    next(); // kdf options
    if (data.readUInt32BE(offset) < 1) return undefined;
    offset += 4;
    const blob = next();
    const type = blob.subarray(4, 4 + blob.readUInt32BE(0)).toString('latin1');
    return /^[a-z0-9@.-]+$/.test(type) ? `${type} ${blob.toString('base64')}` : undefined;
  } catch {
    return undefined;
  }
}

/** `<type> <base64>` of a public key line, without the comment: what identifies the key. */
export function keyIdentity(publicKeyLine: string): string {
  const [type, blob] = publicKeyLine.trim().split(/\s+/);
  return `${type ?? ''} ${blob ?? ''}`;
}

function sshString(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}
