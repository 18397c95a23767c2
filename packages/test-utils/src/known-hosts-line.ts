import { createHmac, randomBytes } from 'node:crypto';
import { knownHostsName } from './ssh-keys.ts';

/**
 * A known_hosts line for `publicKey` (an OpenSSH public key line) at
 * host:port, plain or hashed the way `ssh-keygen -H` writes it
 * (`|1|base64(salt)|base64(HMAC-SHA1(salt, name))`).
 */
export function knownHostsLine(publicKey: string, host: string, port: number, options: { hashed?: boolean } = {}): string {
  const [type, blob] = publicKey.trim().split(/\s+/);
  const name = knownHostsName(host, port);
  if (!options.hashed) return `${name} ${type} ${blob}`;
  const salt = randomBytes(20);
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')} ${type} ${blob}`;
}
