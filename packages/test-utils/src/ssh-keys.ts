import { readFile } from 'node:fs/promises';
import { runTool } from './run-tool.ts';

/** A key pair made by `ssh-keygen`, in OpenSSH formats. */
export interface SshKeyPair {
  /** Path of the private key file (mode 0600). */
  path: string;
  /** The private key text. */
  privateKey: string;
  /** The public key line: `ssh-ed25519 AAAA... comment`. */
  publicKey: string;
  /** The passphrase protecting the private key, if any. */
  passphrase?: string;
}

/** Generates a key pair at `path` (and `path.pub`) with OpenSSH's own `ssh-keygen`. */
export async function generateSshKey(path: string, options: { type?: 'ed25519' | 'rsa' | 'ecdsa'; passphrase?: string; comment?: string } = {}): Promise<SshKeyPair> {
  const type = options.type ?? 'ed25519';
  const args = ['-q', '-t', type, '-N', options.passphrase ?? '', '-C', options.comment ?? 'runctl-test', '-f', path];
  if (type === 'rsa') args.push('-b', '2048');
  await runTool('ssh-keygen', args);
  const [privateKey, publicKey] = await Promise.all([readFile(path, 'utf8'), readFile(`${path}.pub`, 'utf8')]);
  return { path, privateKey, publicKey: publicKey.trim(), ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }) };
}

/** The known_hosts name of an endpoint: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}
