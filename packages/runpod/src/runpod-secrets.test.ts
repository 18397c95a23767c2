import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { RunctlError } from '@runctl/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunpod } from './runpod-provider.ts';
import { GENERATED_KEY_NAME } from './runpod-ssh-key.ts';
import { collect, failureOf, startRunpodHarness, type RunpodHarness } from './test-fixtures/runpod-harness.ts';

const SECRET_KEY = 'rp_live_3kF9xQ2mZ7pLw8vN4bT6';

/** Every way an error could end up in a log. */
function renderings(error: unknown): string {
  const record = error as RunctlError;
  return [String(error), record.message, record.hint ?? '', record.stack ?? '', inspect(error, { depth: 20, showHidden: true }), JSON.stringify(error)].join('\n');
}

describe('runpod never leaks secrets', () => {
  let harness: RunpodHarness | undefined;
  const savedKey = process.env['RUNPOD_API_KEY'];
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    if (savedKey === undefined) delete process.env['RUNPOD_API_KEY'];
    else process.env['RUNPOD_API_KEY'] = savedKey;
  });

  it('reads RUNPOD_API_KEY lazily: creating never throws, a missing key is AUTH naming the variable', async () => {
    harness = await startRunpodHarness({ fake: { apiKey: SECRET_KEY } });
    delete process.env['RUNPOD_API_KEY'];
    const { apiKey: _unused, ...settings } = harness.settings;
    const provider = createRunpod(settings);
    const error = await failureOf(provider.listResources());
    expect(RunctlError.hasCode(error, 'AUTH')).toBe(true);
    expect((error as Error).message).toContain('RUNPOD_API_KEY');
    expect(harness.fake.calls).toEqual([]);
    process.env['RUNPOD_API_KEY'] = SECRET_KEY;
    await expect(provider.listResources()).resolves.toEqual([]);
  });

  it('keeps a rejected key out of every error', async () => {
    harness = await startRunpodHarness();
    const provider = harness.withSettings({ apiKey: SECRET_KEY });
    const error = await failureOf(provider.createResource('RTX4090'));
    expect(RunctlError.hasCode(error, 'AUTH') && error.statusCode).toBe(401);
    expect(renderings(error)).not.toContain(SECRET_KEY);
    expect(renderings(error).toLowerCase()).not.toContain('bearer');
  });

  it('keeps the key out of errors of every failure kind, and out of what reaches RunPod besides the header', async () => {
    harness = await startRunpodHarness({ fake: { apiKey: SECRET_KEY }, settings: { timeout: 300, retry: { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1 } } });
    const { provider, fake } = harness;
    const { id } = await provider.createResource('RTX4090', { name: 'secret-test' });
    const failures: unknown[] = [];
    for (const fault of [{ status: 500 }, { status: 429, retryAfter: 3 }, { reset: 'before' as const }, { delayMs: 1_000 }]) {
      fake.failNext({ method: 'GET', path: '/v2/pods' }, fault);
      failures.push(await failureOf(provider.listResources()));
    }
    failures.push(await failureOf(provider.getResourceStatus('does-not-exist')));
    failures.push(await failureOf(provider.createResource('RTX4090', { spot: true, bidPerGpu: 0.001 })));
    failures.push(await failureOf(collect(provider.containerLogs('missing-pod', { follow: false }))));
    fake.failNext({ method: 'POST', path: '/v2/pods' }, { status: 402 });
    failures.push(await failureOf(provider.createResource('RTX4090')));
    expect(failures.every((error) => RunctlError.isInstance(error))).toBe(true);
    for (const error of failures) expect(renderings(error)).not.toContain(SECRET_KEY);

    const privateKey = await readFile(join(harness.dir, 'keys', GENERATED_KEY_NAME), 'utf8');
    const seen = JSON.stringify({ calls: fake.calls, pods: [...fake.pods.values()] });
    expect(seen).not.toContain(SECRET_KEY);
    expect(seen).not.toContain(privateKey.split('\n')[1]);
    expect(fake.pods.get(id)?.env['PUBLIC_KEY']).toMatch(/^ssh-ed25519 /);
  });
});
