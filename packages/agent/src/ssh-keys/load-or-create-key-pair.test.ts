import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, redactSecrets } from '@runctl/core';
import { createTempDir, generateSshKey, type TempDir } from '@runctl/test-utils';
import { loadOrCreateKeyPair, type GeneratedKeyOptions } from './load-or-create-key-pair.ts';
import type { SshKeyPair } from './ssh-key-pair.ts';

let scratch: TempDir;
beforeAll(async () => {
  scratch = await createTempDir('key-pair');
});
afterAll(() => scratch.remove());

const options = (keyDir: string): GeneratedKeyOptions => ({ provider: 'test', keyDir, keyName: 'test_ed25519', comment: 'runctl-test', field: 'settings.keyDir' });
const failureOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

describe('loadOrCreateKeyPair', () => {
  it('generates a key once, mode 0600 in a 0700 folder, that ssh-keygen reads back to the same public key', async () => {
    const keyDir = join(scratch.path, 'first', 'keys');
    const pair = await loadOrCreateKeyPair(options(keyDir));
    const path = join(keyDir, 'test_ed25519');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(keyDir)).mode & 0o777).toBe(0o700);
    expect(await readFile(path, 'utf8')).toBe(pair.privateKey);
    expect(await readFile(`${path}.pub`, 'utf8')).toBe(`${pair.publicKey}\n`);
    expect(pair.publicKey).toMatch(/^ssh-ed25519 \S+ runctl-test$/);
    const derived = spawnSync('ssh-keygen', ['-y', '-f', path], { encoding: 'utf8' });
    expect(derived.stderr).toBe('');
    expect(derived.stdout.trim()).toBe(pair.publicKey);
    expect(redactSecrets(`key: ${pair.privateKey}`)).toBe('key: ***');
    expect(await loadOrCreateKeyPair(options(keyDir))).toEqual(pair);
    expect(await readdir(keyDir)).toEqual(['test_ed25519', 'test_ed25519.pub']);
  });

  it('gives every racing caller the same key', async () => {
    const keyDir = join(scratch.path, 'racing');
    const pairs = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateKeyPair(options(keyDir))));
    expect(new Set(pairs.map((pair) => pair.privateKey)).size).toBe(1);
    expect(new Set(pairs.map((pair) => pair.publicKey)).size).toBe(1);
    expect(await readFile(join(keyDir, 'test_ed25519'), 'utf8')).toBe(pairs[0]?.privateKey);
    expect(await readdir(keyDir)).toEqual(['test_ed25519', 'test_ed25519.pub']);
  });

  it('gives two processes that create the key at once the same key', async () => {
    const keyDir = join(scratch.path, 'processes');
    const [first, second] = await racingProcesses(2, options(keyDir));
    expect(first).toBeDefined();
    expect(second).toEqual(first);
    expect(await readFile(join(keyDir, 'test_ed25519'), 'utf8')).toBe(first?.privateKey);
    expect(await readFile(join(keyDir, 'test_ed25519.pub'), 'utf8')).toBe(`${first?.publicKey}\n`);
  });

  it('takes the public key from the private key, not from a stale .pub', async () => {
    const keyDir = join(scratch.path, 'stale');
    const pair = await loadOrCreateKeyPair(options(keyDir));
    const other = await generateSshKey(join(scratch.path, 'other'));
    await writeFile(join(keyDir, 'test_ed25519.pub'), `${other.publicKey}\n`);
    expect(await loadOrCreateKeyPair(options(keyDir))).toEqual(pair);
  });

  it('names the key folder setting when the key cannot be read, made or used', async () => {
    const file = join(scratch.path, 'a-file');
    await writeFile(file, 'not a folder');
    const notFolder = await failureOf(loadOrCreateKeyPair(options(file)));
    expect(InvalidInputError.isInstance(notFolder) && notFolder.field).toBe('settings.keyDir');

    const keyDir = join(scratch.path, 'broken');
    await mkdir(keyDir);
    await writeFile(join(keyDir, 'test_ed25519'), 'garbage\n');
    const broken = await failureOf(loadOrCreateKeyPair(options(keyDir)));
    expect(InvalidInputError.isInstance(broken) && broken.field).toBe('settings.keyDir');
    expect(InvalidInputError.isInstance(broken) && broken.message).toContain('Delete it');
  });
});

/** Starts `count` Node processes, lets each load its modules, then has all create the key at the same moment. */
async function racingProcesses(count: number, keyOptions: GeneratedKeyOptions): Promise<Array<SshKeyPair | undefined>> {
  const moduleUrl = new URL('./load-or-create-key-pair.ts', import.meta.url).href;
  const script = `
    const { loadOrCreateKeyPair } = await import(${JSON.stringify(moduleUrl)});
    process.stdout.write('ready\\n');
    process.stdin.once('data', async () => process.stdout.write(JSON.stringify(await loadOrCreateKeyPair(${JSON.stringify(keyOptions)}))));
  `;
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['--conditions=@runctl/source', '--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('.', import.meta.url)), stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const outputs = children.map((child) => {
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const ready = new Promise<void>((resolve) => child.stdout.on('data', () => text.startsWith('ready\n') && resolve()));
    const done = new Promise<string>((resolve, reject) => child.once('error', reject).once('close', () => resolve(text)));
    return { ready, done };
  });
  await Promise.all(outputs.map((output) => output.ready));
  for (const child of children) child.stdin.end('go\n');
  const texts = await Promise.all(outputs.map((output) => output.done));
  return texts.map((text) => (text.startsWith('ready\n') ? (JSON.parse(text.slice('ready\n'.length)) as SshKeyPair) : undefined));
}
