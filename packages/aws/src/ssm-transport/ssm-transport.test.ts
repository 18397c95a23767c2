import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Transport } from '@runctl/agent';
import { RunctlError, registerSecret } from '@runctl/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../aws-clients.ts';
import { resolveAwsSettings } from '../aws-settings.ts';
import { GENEROUS_RATE_LIMITS, TEST_BUCKET, startAwsTestEnv, type AwsTestEnv } from '../test-support/aws-test-env.ts';
import { runSsmCommand } from './ssm-command.ts';
import { scriptCommand } from './ssm-scripts.ts';
import { waitForSsmOnline } from './ssm-readiness.ts';
import { READ_CHUNK, createSsmTransport } from './ssm-transport.ts';

describe('SSM transport against the fake SSM (commands run for real in the sandbox)', () => {
  let env: AwsTestEnv;
  let mark = 0;
  const since = (action?: string) => env.fake.calls.slice(mark).filter((call) => action === undefined || call.action === action);
  let clients: AwsClients;
  let instanceId: string;
  let sandbox: string;
  let transport: Transport;
  let bare: Transport;
  let local: string;

  beforeAll(async () => {
    // GetCommandInvocation says InvocationDoesNotExist for 300 ms after each SendCommand.
    env = await startAwsTestEnv({ fake: { ec2: { runUserData: false }, ssm: { invocationVisibleAfterMs: 300 } } });
    clients = createAwsClients(
      resolveAwsSettings({ region: 'us-east-1', rateLimit: GENEROUS_RATE_LIMITS, clientConfig: { ec2: env.fake.clientConfig(), ssm: env.fake.clientConfig(), s3: env.s3.clientConfig() } }),
    );
    const resource = await env.provider().createResource('t3.micro');
    instanceId = resource.id;
    sandbox = env.fake.instance(instanceId)?.sandboxDir as string;
    await waitForSsmOnline(clients, instanceId, { provider: 'aws', deadline: Date.now() + 10_000, stillRunning: async () => undefined });
    const context = { clients, instanceId, provider: 'aws', pollMs: 20 };
    transport = createSsmTransport({ ...context, staging: { bucket: TEST_BUCKET, keyPrefix: `runctl/transfers/${instanceId}` } });
    bare = createSsmTransport(context);
    local = await mkdtemp(join(tmpdir(), 'runctl-ssm-transport-'));
  });
  afterAll(async () => {
    clients.destroy();
    await rm(local, { recursive: true, force: true });
    await env.close();
  });
  beforeEach(() => {
    mark = env.fake.calls.length;
  });

  it('runs argv exactly, through InvocationDoesNotExist right after SendCommand', async () => {
    const result = await transport.exec(['sh', '-c', 'printf "%s|" "$@"; echo oops >&2; exit 3', 'sh', "it's", '$(rm -rf /)', 'a b', '*']);
    expect(result.exitCode).toBe(3);
    expect(result.stdout.toString()).toBe("it's|$(rm -rf /)|a b|*|");
    expect(result.stderr.toString()).toBe('oops\n');
    expect(since('GetCommandInvocation').some((call) => call.errorCode === 'InvocationDoesNotExist')).toBe(true);
  });

  it('returns binary and long output whole, though SSM cuts stdout at 24,000 characters', async () => {
    const result = await transport.exec(['sh', '-c', 'head -c 100000 /dev/urandom > big.bin; cat big.bin; printf "\\000\\377" >&2']);
    expect(result.stdout.equals(await readFile(join(sandbox, 'big.bin')))).toBe(true);
    expect([...result.stderr]).toEqual([0, 255]);
    for (const command of env.fake.commands()) {
      for (const invocation of command.invocations) expect(invocation.stdout.length).toBeLessThan(24_000);
    }
  });

  it('passes stdin', async () => {
    const result = await transport.exec(['wc', '-c'], { stdin: Buffer.alloc(1000, 1) });
    expect(result.stdout.toString().trim()).toBe('1000');
  });

  it('runs a repeated exec request once and answers both with the first result', async () => {
    const id = randomBytes(8).toString('hex');
    const command = scriptCommand('exec', [id, '', 'sh', '-c', 'echo run >> runs.txt; echo done'], { EXEC_OUT: '15000', EXEC_ERR: '2000' });
    const context = { clients, instanceId, provider: 'aws', pollMs: 20 };
    const [first, second] = [await runSsmCommand(context, command), await runSsmCommand(context, command)];
    expect(second.stdout).toBe(first.stdout);
    expect(await readFile(join(sandbox, 'runs.txt'), 'utf8')).toBe('run\n');
  });

  it('reads any byte range in chunks of at most 16 KiB, binary-safe', async () => {
    const data = randomBytes(60_000);
    await writeFile(join(sandbox, 'blob.bin'), data);
    const path = join(sandbox, 'blob.bin');
    expect((await transport.readFile(path)).equals(data)).toBe(true);
    expect((await transport.readFile(path, { offset: 12_345, length: 40_000 })).equals(data.subarray(12_345, 52_345))).toBe(true);
    expect((await transport.readFile(path, { offset: 59_999, length: 10 })).equals(data.subarray(59_999))).toBe(true);
    expect((await transport.readFile(path, { offset: 70_000 })).length).toBe(0);
    await expect(transport.readFile(join(sandbox, 'nope'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const lengths = env.fake.commands().flatMap((command) => {
      const argv = command.parameters['commands']?.[0] ?? '';
      return argv.includes('RUNCTL-READ') && argv.includes('blob.bin') ? [Number(/blob\.bin '?(\d+)'? '?(\d+)/.exec(argv)?.[2])] : [];
    });
    expect(lengths.length).toBeGreaterThan(4);
    for (const length of lengths) expect(length).toBeLessThanOrEqual(READ_CHUNK);
    expect(READ_CHUNK).toBeLessThanOrEqual(20_000);
  });

  it('stats and resolves paths without following a final symlink', async () => {
    await writeFile(join(sandbox, 'target.txt'), 'abc');
    await symlink(join(sandbox, 'target.txt'), join(sandbox, 'link.txt'));
    expect(await transport.stat(join(sandbox, 'target.txt'))).toMatchObject({ type: 'file', size: 3 });
    expect(await transport.stat(join(sandbox, 'link.txt'))).toMatchObject({ type: 'symlink' });
    expect(await transport.stat(sandbox)).toMatchObject({ type: 'directory' });
    expect(await transport.stat(join(sandbox, 'missing'))).toBeUndefined();
    expect(await transport.realpath(join(sandbox, 'link.txt'))).toBe(join(sandbox, 'target.txt'));
    expect(await transport.realpath(join(sandbox, 'missing'))).toBeUndefined();
  });

  it('serves the reads of a follow round from the stat that began it', async () => {
    const log = join(sandbox, 'follow.log');
    await writeFile(log, 'line 1\n');
    expect((await transport.readFile(log, { offset: 0, length: 65_536 })).toString()).toBe('line 1\n');
    await writeFile(log, 'line 1\nline 2\n');
    const before = since('SendCommand').length;
    await transport.stat(join(sandbox, 'exit_code'));
    expect((await transport.readFile(log, { offset: 7, length: 65_536 })).toString()).toBe('line 2\n');
    expect(since('SendCommand').length).toBe(before + 1);
    // A capture is used once: the next read asks the machine again.
    await writeFile(log, 'line 1\nline 2\nline 3\n');
    expect((await transport.readFile(log, { offset: 14, length: 65_536 })).toString()).toBe('line 3\n');
    expect(since('SendCommand').length).toBe(before + 2);
  });

  it('writes small files inline in parts, atomically and with their mode', async () => {
    const data = randomBytes(3 * 8 * 1024 + 5);
    await bare.writeFile(join(sandbox, 'deep/dir/file.bin'), data, { mode: 0o750 });
    expect((await readFile(join(sandbox, 'deep/dir/file.bin'))).equals(data)).toBe(true);
    expect((await stat(join(sandbox, 'deep/dir/file.bin'))).mode & 0o777).toBe(0o750);
  });

  it('never puts a secret into an SSM command: secrets go through S3, or are refused without a bucket', async () => {
    const secret = `sk-${randomBytes(12).toString('hex')}`;
    registerSecret(secret);
    const error = await bare.writeFile(join(sandbox, 'env'), `export TOKEN='${secret}'\n`, { mode: 0o600 }).catch((caught: unknown) => caught);
    expect(RunctlError.hasCode(error, 'UNSUPPORTED')).toBe(true);
    await transport.writeFile(join(sandbox, 'env'), `export TOKEN='${secret}'\n`, { mode: 0o600 });
    expect(await readFile(join(sandbox, 'env'), 'utf8')).toBe(`export TOKEN='${secret}'\n`);
    expect((await stat(join(sandbox, 'env'))).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(env.fake.commands().map((command) => command.parameters))).not.toContain(secret);
    const staged = await env.s3Client.send(new ListObjectsV2Command({ Bucket: TEST_BUCKET, Prefix: 'runctl/transfers/' }));
    expect(staged.Contents ?? []).toEqual([]);
  });

  it('uploads and downloads folders through S3: filtered, modes kept, symlinks left out, nothing left behind', async () => {
    const source = join(local, 'up');
    await mkdir(join(source, 'src/nested'), { recursive: true });
    await writeFile(join(source, 'train.sh'), '#!/bin/sh\necho hi\n');
    await chmod(join(source, 'train.sh'), 0o755);
    await writeFile(join(source, 'src/nested/data.bin'), randomBytes(70_000));
    await writeFile(join(source, 'skip.log'), 'no');
    await writeFile(join(source, `${'long-name-'.repeat(12)}.txt`), 'long');
    await symlink('/etc/passwd', join(source, 'evil'));
    const up = await transport.upload(source, join(sandbox, 'work'), { filter: (path) => path !== 'skip.log' });
    expect(up.files).toBe(3);
    expect((await stat(join(sandbox, 'work/train.sh'))).mode & 0o777).toBe(0o755);
    expect((await readFile(join(sandbox, 'work/src/nested/data.bin'))).equals(await readFile(join(source, 'src/nested/data.bin')))).toBe(true);
    await expect(stat(join(sandbox, 'work/skip.log'))).rejects.toThrow();
    await expect(stat(join(sandbox, 'work/evil'))).rejects.toThrow();

    await symlink('/etc', join(sandbox, 'work/etc-link'));
    const back = join(local, 'back');
    const down = await transport.download(join(sandbox, 'work'), back, { filter: (path) => !path.startsWith('src') });
    expect(down.files).toBe(2);
    expect(await readFile(join(back, 'train.sh'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect((await stat(join(back, 'train.sh'))).mode & 0o777).toBe(0o755);
    await expect(stat(join(back, 'src'))).rejects.toThrow();
    await expect(stat(join(back, 'etc-link'))).rejects.toThrow();

    const single = await transport.download(join(sandbox, 'work/src/nested/data.bin'), join(local, 'data.bin'));
    expect(single).toEqual({ files: 1, bytes: 70_000 });
    await expect(transport.download(join(sandbox, 'nothing-here'), join(local, 'x'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const staged = await env.s3Client.send(new ListObjectsV2Command({ Bucket: TEST_BUCKET, Prefix: 'runctl/transfers/' }));
    expect(staged.Contents ?? []).toEqual([]);
  });

  it('cancels the command when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const started = Date.now();
    await expect(transport.exec(['sleep', '30'], { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(Date.now() - started).toBeLessThan(3_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(since('CancelCommand').length).toBe(1);
  });

  it('says so when the instance dies during a command, instead of waiting for SSM timeouts', async () => {
    const victim = await env.provider().createResource('t3.micro');
    await waitForSsmOnline(clients, victim.id, { provider: 'aws', deadline: Date.now() + 10_000, stillRunning: async () => undefined });
    let gone: string | undefined;
    const doomed = createSsmTransport({ clients, instanceId: victim.id, provider: 'aws', pollMs: 20, livenessMs: 300, instanceGone: async () => gone });
    setTimeout(() => {
      env.fake.instanceShutdown(victim.id);
      gone = 'terminated';
    }, 500);
    const error = await doomed.exec(['sleep', '60']).catch((caught: unknown) => caught);
    expect(RunctlError.hasCode(error, 'PROVIDER')).toBe(true);
    expect((error as RunctlError).retryable).toBe(true);
    expect((error as Error).message).toContain('terminated');
  });
});
