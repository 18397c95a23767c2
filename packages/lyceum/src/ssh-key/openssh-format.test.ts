import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, generateSshKey, type TempDir } from '@runctl/test-utils';
import { generateEd25519KeyPair, publicKeyOf } from './openssh-format.ts';

let scratch: TempDir;
beforeAll(async () => {
  scratch = await createTempDir('lyceum-keys');
});
afterAll(() => scratch.remove());

const withoutComment = (line: string): string => line.split(' ').slice(0, 2).join(' ');

describe('OpenSSH key format', () => {
  it('writes an ed25519 key that ssh-keygen reads back to the same public key', async () => {
    const pair = generateEd25519KeyPair('runctl-test');
    const path = join(scratch.path, 'generated');
    await writeFile(path, pair.privateKey, { mode: 0o600 });
    const result = spawnSync('ssh-keygen', ['-y', '-f', path], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(withoutComment(result.stdout.trim())).toBe(withoutComment(pair.publicKey));
    expect(pair.publicKey.endsWith(' runctl-test')).toBe(true);
    expect(publicKeyOf(pair.privateKey)).toBe(withoutComment(pair.publicKey));
  });

  it('reads the public half of keys made by ssh-keygen, even encrypted ones', async () => {
    for (const [name, options] of [['ed', {}], ['rsa', { type: 'rsa' as const }], ['enc', { passphrase: 'secret-pass' }]] as const) {
      const pair = await generateSshKey(join(scratch.path, name), options);
      expect(publicKeyOf(pair.privateKey)).toBe(withoutComment(pair.publicKey));
    }
  });

  it('derives PEM RSA and PKCS8 ed25519 public keys', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    const path = join(scratch.path, 'pem');
    return writeFile(path, pem, { mode: 0o600 }).then(() => {
      const expected = spawnSync('ssh-keygen', ['-y', '-f', path], { encoding: 'utf8' }).stdout.trim();
      expect(publicKeyOf(pem)).toBe(withoutComment(expected));
      const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      expect(publicKeyOf(ed)).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI/);
      expect(publicKeyOf('not a key')).toBeUndefined();
    });
  });
});
