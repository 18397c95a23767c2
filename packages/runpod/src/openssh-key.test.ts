import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateEd25519Key, keyIdentity, publicKeyOfOpenSshPrivateKey } from './openssh-key.ts';

describe('OpenSSH keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runctl-openssh-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates ed25519 keys that OpenSSH itself reads', () => {
    const pair = generateEd25519Key('runctl-test');
    const path = join(dir, 'id');
    writeFileSync(path, pair.privateKey, { mode: 0o600 });
    const derived = execFileSync('ssh-keygen', ['-y', '-f', path], { encoding: 'utf8' }).trim();
    expect(keyIdentity(derived)).toBe(keyIdentity(pair.publicKey));
    expect(pair.publicKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/]+=* runctl-test$/);
  });

  it('reads the public key out of OpenSSH private keys, encrypted or not', () => {
    for (const [type, passphrase] of [['ed25519', ''], ['rsa', ''], ['ecdsa', 'secret-pass']] as const) {
      const path = join(dir, `key-${type}`);
      execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', 'c', '-f', path]);
      const text = readFileSync(path, 'utf8');
      const expected = readFileSync(`${path}.pub`, 'utf8');
      expect(publicKeyOfOpenSshPrivateKey(text)).toBe(keyIdentity(expected));
    }
    expect(publicKeyOfOpenSshPrivateKey('-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----')).toBeUndefined();
    expect(publicKeyOfOpenSshPrivateKey('-----BEGIN OPENSSH PRIVATE KEY-----\n!!!\n-----END OPENSSH PRIVATE KEY-----')).toBeUndefined();
  });
});
