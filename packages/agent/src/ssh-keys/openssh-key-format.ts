import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { SshKeyPair } from './ssh-key-pair.ts';
import { sshReader, sshString, uint32 } from './ssh-wire.ts';

// OpenSSH's own private key container, "openssh-key-v1" (PROTOCOL.key in OpenSSH's sources).
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const END = '-----END OPENSSH PRIVATE KEY-----';

// How many fields each key type has in the private section before its comment.
const PRIVATE_FIELDS: Readonly<Record<string, number>> = {
  'ssh-ed25519': 2,
  'ssh-rsa': 6,
  'ecdsa-sha2-nistp256': 3,
  'ecdsa-sha2-nistp384': 3,
  'ecdsa-sha2-nistp521': 3,
};

/**
 * A new ed25519 key pair, unencrypted, written the way `ssh-keygen -t ed25519 -N ''`
 * writes it, so OpenSSH and ssh2 both read it. Node's crypto makes the key;
 * only the container is built here.
 */
export function generateEd25519KeyPair(comment: string): SshKeyPair {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d as string, 'base64url');
  const publicRaw = Buffer.from(jwk.x as string, 'base64url');
  const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(publicRaw)]);
  // The repeated random "checkint" lets readers tell a wrong passphrase from a right one.
  const check = randomBytes(4);
  const body = Buffer.concat([check, check, publicBlob, sshString(Buffer.concat([seed, publicRaw])), sshString(comment)]);
  // Pad to the cipher block size (8 for "none") with bytes 1, 2, 3…
  const padding = Buffer.from(Array.from({ length: (8 - (body.length % 8)) % 8 }, (_, index) => index + 1));
  const container = Buffer.concat([MAGIC, sshString('none'), sshString('none'), sshString(''), uint32(1), sshString(publicBlob), sshString(Buffer.concat([body, padding]))]);
  const lines = container.toString('base64').match(/.{1,70}/g) ?? [];
  return {
    privateKey: `${BEGIN}\n${lines.join('\n')}\n${END}\n`,
    publicKey: `ssh-ed25519 ${publicBlob.toString('base64')} ${comment}`,
  };
}

/**
 * The public key line of an OpenSSH private key, read without its passphrase:
 * the public half is stored in clear, and so is the comment of an unencrypted
 * key, so the line matches what `ssh-keygen -y` prints. `undefined` when the
 * text is not a readable OpenSSH private key.
 */
export function openSshPublicKeyLine(text: string): string | undefined {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END, start);
  if (start < 0 || end < 0) return undefined;
  const data = Buffer.from(text.slice(start + BEGIN.length, end).replace(/\s+/g, ''), 'base64');
  if (!data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const reader = sshReader(data, MAGIC.length);
  const cipher = reader.string()?.toString('latin1');
  reader.string(); // kdf name
  reader.string(); // kdf options
  const count = reader.uint32();
  const blob = reader.string();
  if (cipher === undefined || count === undefined || count < 1 || blob === undefined) return undefined;
  const type = sshReader(blob).string()?.toString('latin1');
  if (type === undefined || !/^[a-z0-9@.-]+$/.test(type)) return undefined;
  const line = `${type} ${blob.toString('base64')}`;
  const comment = cipher === 'none' && count === 1 ? commentOf(reader.string(), type) : undefined;
  return comment === undefined ? line : `${line} ${comment}`;
}

/** The comment at the end of an unencrypted private section; `undefined` for unknown key types or damaged keys. */
function commentOf(section: Buffer | undefined, type: string): string | undefined {
  const fields = PRIVATE_FIELDS[type];
  if (section === undefined || fields === undefined) return undefined;
  const reader = sshReader(section);
  const check = reader.uint32();
  if (check === undefined || check !== reader.uint32() || reader.string()?.toString('latin1') !== type) return undefined;
  for (let field = 0; field < fields; field++) if (reader.string() === undefined) return undefined;
  const comment = reader.string()?.toString('utf8');
  // An empty comment prints as none; a line break would split the public key line.
  return comment === undefined || comment === '' || /[\r\n]/.test(comment) ? undefined : comment;
}
