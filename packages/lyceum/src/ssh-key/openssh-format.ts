import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';

/** An SSH key pair in the formats OpenSSH reads. */
export interface SshKeyPair {
  /** `-----BEGIN OPENSSH PRIVATE KEY-----` text, unencrypted. */
  privateKey: string;
  /** `ssh-ed25519 AAAA… comment`. */
  publicKey: string;
}

const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const END = '-----END OPENSSH PRIVATE KEY-----';

/**
 * A new ed25519 key pair, written in OpenSSH's own private key format
 * (`PROTOCOL.key`), which ssh2 and OpenSSH both read. Node's crypto makes
 * the key; only the container format is done here.
 */
export function generateEd25519KeyPair(comment: string): SshKeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d as string, 'base64url');
  const pub = Buffer.from(jwk.x as string, 'base64url');
  const type = sshString('ssh-ed25519');
  const publicBlob = Buffer.concat([type, sshString(pub)]);
  const check = randomBytes(4);
  const body = Buffer.concat([check, check, type, sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(comment)]);
  // Pad to the cipher block size (8 for "none") with bytes 1, 2, 3…
  const padding = Buffer.from(Array.from({ length: (8 - (body.length % 8)) % 8 }, (_, index) => index + 1));
  const container = Buffer.concat([
    MAGIC,
    sshString('none'),
    sshString('none'),
    sshString(Buffer.alloc(0)),
    uint32(1),
    sshString(publicBlob),
    sshString(Buffer.concat([body, padding])),
  ]);
  const lines = container.toString('base64').match(/.{1,70}/g) ?? [];
  return {
    privateKey: `${BEGIN}\n${lines.join('\n')}\n${END}\n`,
    publicKey: `ssh-ed25519 ${publicBlob.toString('base64')} ${comment}`,
  };
}

/**
 * The public key line of a private key, without its passphrase: OpenSSH keys
 * store the public half in clear; PEM RSA and ed25519 keys are derived with
 * Node's crypto. `undefined` when the format is not one of those.
 */
export function publicKeyOf(privateKey: string): string | undefined {
  if (privateKey.includes(BEGIN)) return openSshPublicKey(privateKey);
  try {
    const key = createPublicKey(privateKey);
    const jwk = key.export({ format: 'jwk' });
    if (key.asymmetricKeyType === 'ed25519' && typeof jwk.x === 'string') {
      return `ssh-ed25519 ${Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.from(jwk.x, 'base64url'))]).toString('base64')}`;
    }
    if (key.asymmetricKeyType === 'rsa' && typeof jwk.n === 'string' && typeof jwk.e === 'string') {
      const blob = Buffer.concat([sshString('ssh-rsa'), mpint(Buffer.from(jwk.e, 'base64url')), mpint(Buffer.from(jwk.n, 'base64url'))]);
      return `ssh-rsa ${blob.toString('base64')}`;
    }
  } catch {
    // Encrypted or unknown PEM: the caller asks for sshPublicKey instead.
  }
  return undefined;
}

function openSshPublicKey(text: string): string | undefined {
  const body = text.slice(text.indexOf(BEGIN) + BEGIN.length, text.indexOf(END)).replace(/\s+/g, '');
  const data = Buffer.from(body, 'base64');
  if (!data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  let offset = MAGIC.length;
  const read = (): Buffer | undefined => {
    if (offset + 4 > data.length) return undefined;
    const length = data.readUInt32BE(offset);
    if (offset + 4 + length > data.length) return undefined;
    const value = data.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
    return value;
  };
  read(); // cipher
  read(); // kdf
  read(); // kdf options
  if (offset + 4 > data.length || data.readUInt32BE(offset) < 1) return undefined;
  offset += 4;
  const blob = read();
  if (blob === undefined || blob.length < 4) return undefined;
  const typeLength = blob.readUInt32BE(0);
  const type = blob.subarray(4, 4 + typeLength).toString('latin1');
  return /^[a-z0-9@.-]+$/.test(type) ? `${type} ${blob.toString('base64')}` : undefined;
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

/** SSH mpint: big-endian, with a leading zero byte when the top bit is set. */
function mpint(value: Buffer): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const trimmed = value.subarray(start);
  return sshString((trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}
