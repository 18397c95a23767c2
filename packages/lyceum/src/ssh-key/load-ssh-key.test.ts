import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '@runctl/core';
import { createTempDir, generateSshKey, type TempDir } from '@runctl/test-utils';
import { GENERATED_KEY_NAME, loadSshKey } from './load-ssh-key.ts';

// How keys are generated, read and raced is tested with @runctl/agent's ssh-keys; this is Lyceum's wiring.
let scratch: TempDir;
beforeAll(async () => {
  scratch = await createTempDir('lyceum-load-key');
});
afterAll(() => scratch.remove());

const source = (keyDir: string, extra: { privateKey?: string; publicKey?: string } = {}) => ({ provider: 'lyceum', privateKey: extra.privateKey, publicKey: extra.publicKey, keyDir });
const fieldOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => 'resolved', (error: unknown) => (InvalidInputError.isInstance(error) ? error.field : error));

describe('loadSshKey', () => {
  it('generates lyceum_ed25519 in sshKeyDir once and reuses it', async () => {
    const keyDir = join(scratch.path, 'keys');
    const pair = await loadSshKey(source(keyDir));
    expect(await readFile(join(keyDir, GENERATED_KEY_NAME), 'utf8')).toBe(pair.privateKey);
    expect(pair.publicKey).toMatch(/^ssh-ed25519 \S+ runctl-lyceum@[0-9a-f]{6}$/);
    expect(await loadSshKey(source(keyDir))).toEqual(pair);
  });

  it('takes a configured key as text or as a path (with its .pub)', async () => {
    const made = await generateSshKey(join(scratch.path, 'mine'));
    expect(await loadSshKey(source('/nonexistent', { privateKey: made.privateKey }))).toEqual({ privateKey: made.privateKey, publicKey: made.publicKey });
    expect(await loadSshKey(source('/nonexistent', { privateKey: made.path }))).toEqual({ privateKey: made.privateKey, publicKey: made.publicKey });
  });

  it('names the Lyceum settings field at fault', async () => {
    expect(await fieldOf(loadSshKey(source('/nonexistent', { privateKey: join(scratch.path, 'nope') })))).toBe('settings.sshPrivateKey');
    const opaque = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n';
    expect(await fieldOf(loadSshKey(source('/nonexistent', { privateKey: opaque })))).toBe('settings.sshPublicKey');
    expect(await fieldOf(loadSshKey(source(join(scratch.path, 'mine.pub'))))).toBe('settings.sshKeyDir');
  });
});
