import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, generateSshKey, type TempDir } from '@runctl/test-utils';
import { isPublicKeyLine, keyIdentity, publicKeyOf } from './public-key.ts';

let scratch: TempDir;
beforeAll(async () => {
  scratch = await createTempDir('public-key');
});
afterAll(() => scratch.remove());

describe('publicKeyOf', () => {
  it('reads OpenSSH keys, encrypted or not', async () => {
    const plain = await generateSshKey(join(scratch.path, 'plain'));
    expect(publicKeyOf(plain.privateKey)).toBe(plain.publicKey);
    const encrypted = await generateSshKey(join(scratch.path, 'encrypted'), { type: 'rsa', passphrase: 'secret-pass' });
    expect(publicKeyOf(encrypted.privateKey)).toBe(keyIdentity(encrypted.publicKey));
  });

  it('derives unencrypted PEM RSA keys as ssh-keygen does, and PKCS#8 ed25519 keys', async () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    const path = join(scratch.path, 'pem');
    await writeFile(path, pem, { mode: 0o600 });
    const expected = spawnSync('ssh-keygen', ['-y', '-f', path], { encoding: 'utf8' }).stdout.trim();
    expect(publicKeyOf(pem)).toBe(expected);

    const ed = generateKeyPairSync('ed25519');
    const raw = Buffer.from(ed.publicKey.export({ format: 'jwk' }).x as string, 'base64url');
    const line = publicKeyOf(ed.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    expect(line).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI/);
    expect(Buffer.from(line?.split(' ')[1] ?? '', 'base64').subarray(-32)).toEqual(raw);
  });

  it('answers undefined for what it cannot read', () => {
    const encrypted = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    expect(publicKeyOf(encrypted)).toBeUndefined();
    expect(publicKeyOf('not a key')).toBeUndefined();
  });
});

describe('public key lines', () => {
  it('identifies a key by type and body, whatever the comment and spacing', () => {
    expect(keyIdentity('  ssh-ed25519   AAAA  me@host \n')).toBe('ssh-ed25519 AAAA');
    expect(keyIdentity('ssh-ed25519 AAAA')).toBe(keyIdentity('ssh-ed25519 AAAA other'));
  });

  it('tells public key lines from other text', () => {
    for (const line of ['ssh-ed25519 AAAA', 'ssh-rsa AAAA c', 'ecdsa-sha2-nistp256 AAAA', 'sk-ssh-ed25519@openssh.com AAAA']) expect(isPublicKeyLine(line), line).toBe(true);
    for (const line of ['', 'ssh-ed25519', 'AAAA ssh-ed25519', '-----BEGIN OPENSSH PRIVATE KEY-----']) expect(isPublicKeyLine(line), line).toBe(false);
  });
});
