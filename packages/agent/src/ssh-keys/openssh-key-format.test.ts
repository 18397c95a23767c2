import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, generateSshKey, type TempDir } from '@runctl/test-utils';
import { generateEd25519KeyPair, openSshPublicKeyLine } from './openssh-key-format.ts';
import { keyIdentity } from './public-key.ts';

let scratch: TempDir;
beforeAll(async () => {
  scratch = await createTempDir('openssh-format');
});
afterAll(() => scratch.remove());

describe('OpenSSH private key format', () => {
  it('writes an ed25519 key that ssh-keygen reads back to the same public key line', async () => {
    const pair = generateEd25519KeyPair('runctl-test');
    const path = join(scratch.path, 'generated');
    await writeFile(path, pair.privateKey, { mode: 0o600 });
    const derived = spawnSync('ssh-keygen', ['-y', '-f', path], { encoding: 'utf8' });
    expect(derived.stderr).toBe('');
    expect(derived.stdout.trim()).toBe(pair.publicKey);
    expect(pair.publicKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/]+=* runctl-test$/);
    expect(openSshPublicKeyLine(pair.privateKey)).toBe(pair.publicKey);
  });

  it('reads the public key line of keys made by ssh-keygen: with the comment, and without it when encrypted', async () => {
    for (const [name, options] of [['ed', {}], ['rsa', { type: 'rsa' as const }], ['ecdsa', { type: 'ecdsa' as const }]] as const) {
      const made = await generateSshKey(join(scratch.path, name), { ...options, comment: 'me@host' });
      expect(openSshPublicKeyLine(made.privateKey), name).toBe(made.publicKey);
    }
    for (const [name, type] of [['ed-enc', 'ed25519'], ['ecdsa-enc', 'ecdsa']] as const) {
      const made = await generateSshKey(join(scratch.path, name), { type, passphrase: 'secret-pass' });
      expect(openSshPublicKeyLine(made.privateKey), name).toBe(keyIdentity(made.publicKey));
    }
  });

  it('answers undefined for other formats and damaged keys', async () => {
    expect(openSshPublicKeyLine('-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----')).toBeUndefined();
    expect(openSshPublicKeyLine('-----BEGIN OPENSSH PRIVATE KEY-----\n!!!\n-----END OPENSSH PRIVATE KEY-----')).toBeUndefined();
    expect(openSshPublicKeyLine('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA')).toBeUndefined();
    const lines = (await readFile(join(scratch.path, 'ed'), 'utf8')).trim().split('\n');
    const truncated = [...lines.slice(0, 2), lines.at(-1)].join('\n');
    expect(openSshPublicKeyLine(truncated)).toBeUndefined();
  });
});
