import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '@runctl/core';
import { createTempDir, generateSshKey, type TempDir } from '@runctl/test-utils';
import { GENERATED_KEY_NAME, loadSshKey } from './load-ssh-key.ts';

let scratch: TempDir;
beforeAll(async () => {
  scratch = await createTempDir('lyceum-load-key');
});
afterAll(() => scratch.remove());

const source = (keyDir: string, extra: { privateKey?: string; publicKey?: string } = {}) => ({ provider: 'lyceum', privateKey: extra.privateKey, publicKey: extra.publicKey, keyDir });

describe('loadSshKey', () => {
  it('generates one key, mode 0600, and every caller (even racing ones) gets the same', async () => {
    const keyDir = join(scratch.path, 'keys');
    const pairs = await Promise.all(Array.from({ length: 8 }, () => loadSshKey(source(keyDir))));
    expect(new Set(pairs.map((pair) => pair.privateKey)).size).toBe(1);
    expect(new Set(pairs.map((pair) => pair.publicKey)).size).toBe(1);
    expect((await stat(join(keyDir, GENERATED_KEY_NAME))).mode & 0o777).toBe(0o600);
    expect((await loadSshKey(source(keyDir))).publicKey).toBe(pairs[0]?.publicKey);
  });

  it('takes a configured key as text or as a path (with its .pub)', async () => {
    const made = await generateSshKey(join(scratch.path, 'mine'));
    const byText = await loadSshKey(source('/nonexistent', { privateKey: made.privateKey }));
    expect(byText.publicKey).toBe(made.publicKey.split(' ').slice(0, 2).join(' '));
    const byPath = await loadSshKey(source('/nonexistent', { privateKey: made.path }));
    expect(byPath).toEqual({ privateKey: made.privateKey, publicKey: made.publicKey });
  });

  it('names the field when a key cannot be read or its public half derived', async () => {
    const missing = await loadSshKey(source('/nonexistent', { privateKey: join(scratch.path, 'nope') })).catch((error: unknown) => error);
    expect(InvalidInputError.isInstance(missing) && missing.field).toBe('settings.sshPrivateKey');
    const opaque = await loadSshKey(source('/nonexistent', { privateKey: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n' })).catch((error: unknown) => error);
    expect(InvalidInputError.isInstance(opaque) && opaque.field).toBe('settings.sshPublicKey');
  });
});
