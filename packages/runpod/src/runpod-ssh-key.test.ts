import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '@runctl/core';
import { createTempDir, generateSshKey, type TempDir } from '@runctl/test-utils';
import { loadSshIdentity } from './runpod-ssh-key.ts';

// How keys are generated, read and raced is tested with @runctl/agent's ssh-keys; this is RunPod's wiring.
let scratch: TempDir;
beforeAll(async () => {
  scratch = await createTempDir('runpod-ssh-key');
});
afterAll(() => scratch.remove());

const fieldOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => 'resolved', (error: unknown) => (InvalidInputError.isInstance(error) ? error.field : error));

describe('loadSshIdentity', () => {
  it('passes the passphrase of a configured key along', async () => {
    const made = await generateSshKey(join(scratch.path, 'locked'), { passphrase: 'secret-pass' });
    const identity = await loadSshIdentity({ privateKey: made.path, passphrase: 'secret-pass' }, '/nonexistent', 'runpod');
    expect(identity).toEqual({ privateKey: made.privateKey, publicKey: made.publicKey, passphrase: 'secret-pass' });
  });

  it('names the RunPod settings field at fault', async () => {
    expect(await fieldOf(loadSshIdentity({ privateKey: join(scratch.path, 'nope') }, '/nonexistent', 'runpod'))).toBe('settings.sshKey.privateKey');
    const opaque = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n';
    expect(await fieldOf(loadSshIdentity({ privateKey: opaque }, '/nonexistent', 'runpod'))).toBe('settings.sshKey.publicKey');
    expect(await fieldOf(loadSshIdentity(undefined, join(scratch.path, 'locked.pub'), 'runpod'))).toBe('settings.keyDir');
  });
});
