import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, redactSecrets } from '@runctl/core';
import { createTempDir, generateSshKey, type SshKeyPair as MadeKey, type TempDir } from '@runctl/test-utils';
import { loadConfiguredKeyPair } from './load-configured-key-pair.ts';
import { keyIdentity } from './public-key.ts';

let scratch: TempDir;
let made: MadeKey;
beforeAll(async () => {
  scratch = await createTempDir('configured-key');
  made = await generateSshKey(join(scratch.path, 'mine'), { comment: 'me@laptop' });
});
afterAll(() => scratch.remove());

const fields = { privateKey: 'settings.key.private', publicKey: 'settings.key.public' };
const load = (privateKey: string, publicKey?: string) => loadConfiguredKeyPair({ provider: 'test', privateKey, publicKey, fields });
const fieldOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => 'resolved', (error: unknown) => (InvalidInputError.isInstance(error) ? error.field : error));

describe('loadConfiguredKeyPair', () => {
  it('takes the key as text or as a path (with its .pub), and registers it as a secret', async () => {
    expect(await load(made.privateKey)).toEqual({ privateKey: made.privateKey, publicKey: made.publicKey });
    expect(await load(made.path)).toEqual({ privateKey: made.privateKey, publicKey: made.publicKey });
    expect(redactSecrets(made.privateKey)).toBe('***');
  });

  it('prefers a given public key line, then the .pub, then the line derived from the key', async () => {
    expect((await load(made.path, ' ssh-ed25519 AAAAgiven c \n')).publicKey).toBe('ssh-ed25519 AAAAgiven c');
    const copy = join(scratch.path, 'copy');
    await writeFile(copy, made.privateKey, { mode: 0o600 });
    expect((await load(copy)).publicKey).toBe(made.publicKey);
    await writeFile(`${copy}.pub`, `${keyIdentity(made.publicKey)} renamed\n`);
    expect((await load(copy)).publicKey).toBe(`${keyIdentity(made.publicKey)} renamed`);
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    expect((await load(pem)).publicKey).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E/);
  });

  it('names the field at fault', async () => {
    expect(await fieldOf(load(join(scratch.path, 'nope')))).toBe(fields.privateKey);
    expect(await fieldOf(load(`${made.path}.pub`))).toBe(fields.privateKey);
    expect(await fieldOf(load('-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n'))).toBe(fields.publicKey);
    expect(await fieldOf(load(made.privateKey, 'not a key line'))).toBe(fields.publicKey);
    const badPub = join(scratch.path, 'bad-pub');
    await writeFile(badPub, made.privateKey, { mode: 0o600 });
    await writeFile(`${badPub}.pub`, 'garbage\n');
    expect(await fieldOf(load(badPub))).toBe(fields.publicKey);
  });
});
