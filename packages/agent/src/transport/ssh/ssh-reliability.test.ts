import { createHash, randomBytes } from 'node:crypto';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunctlError } from '@runctl/core';
import { createTempDir, freePort, startSshd, startTarpit, startTcpProxy, type LoopbackSshd, type TempDir } from '@runctl/test-utils';
import { createSshTransport } from './ssh-transport.ts';
import type { SshTransportOptions } from './ssh-transport-options.ts';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('ssh transport under failures', () => {
  let sshd: LoopbackSshd;
  let scratch: TempDir;
  let bigFile: string;
  let bigData: Buffer;
  const base = (): SshTransportOptions => ({
    host: sshd.host,
    port: sshd.port,
    username: sshd.user,
    privateKey: sshd.userKey.privateKey,
    knownHosts: sshd.knownHostsPath,
    reconnect: { retries: 10, minDelay: 100, maxDelay: 1_000 },
  });

  beforeAll(async () => {
    sshd = await startSshd();
    scratch = await createTempDir('ssh-reliability');
    bigData = randomBytes(96 << 20);
    bigFile = join(scratch.path, 'checkpoint.bin');
    await writeFile(bigFile, bigData);
  });
  afterAll(async () => {
    await sshd.close();
    await scratch.remove();
  });

  it('gives TIMEOUT within connectTimeout for a host that never answers', async () => {
    const tarpit = await startTarpit();
    const transport = createSshTransport({ ...base(), port: tarpit.port, connectTimeout: 1_500 });
    try {
      const started = Date.now();
      const error = await transport.exec(['true']).catch((reason: unknown) => reason);
      const elapsed = Date.now() - started;
      expect(RunctlError.hasCode(error, 'TIMEOUT')).toBe(true);
      expect((error as RunctlError).retryable).toBe(true);
      expect(elapsed).toBeGreaterThanOrEqual(1_400);
      expect(elapsed).toBeLessThan(2_500);
    } finally {
      await transport.close();
      await tarpit.close();
    }
  });

  it('gives a retryable PROVIDER error for a refused connection, after its retries', async () => {
    const transport = createSshTransport({ ...base(), port: await freePort(), reconnect: { retries: 2, minDelay: 20, maxDelay: 50 } });
    const error = await transport.exec(['true']).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ code: 'PROVIDER', retryable: true });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('fails calls in flight with retryable PROVIDER errors when the connection drops, then reconnects', async () => {
    const proxy = await startTcpProxy({ host: sshd.host, port: sshd.port });
    await writeFile(join(scratch.path, 'known_hosts_proxy'), `${sshd.knownHostsLine({ port: proxy.port })}\n`);
    const transport = createSshTransport({ ...base(), port: proxy.port, knownHosts: join(scratch.path, 'known_hosts_proxy') });
    try {
      expect((await transport.exec(['echo', 'before'])).stdout.toString()).toBe('before\n');
      // Cut once 8 MiB of the read went through: both calls are surely in flight.
      proxy.cutAfter(8 << 20);
      const running = transport.exec(['sleep', '10']);
      const reading = transport.readFile(bigFile, { offset: 0, length: 64 << 20 });
      for (const outcome of await Promise.allSettled([running, reading])) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: 'PROVIDER', retryable: true });
      }
      expect((await transport.exec(['echo', 'after'])).stdout.toString()).toBe('after\n');
      expect(proxy.connections).toBe(1);
    } finally {
      await transport.close();
      await proxy.close();
    }
  });

  it('notices a silently dead network through keepalive', async () => {
    const proxy = await startTcpProxy({ host: sshd.host, port: sshd.port });
    await writeFile(join(scratch.path, 'known_hosts_frozen'), `${sshd.knownHostsLine({ port: proxy.port })}\n`);
    const transport = createSshTransport({ ...base(), port: proxy.port, knownHosts: join(scratch.path, 'known_hosts_frozen'), keepaliveInterval: 200 });
    try {
      await transport.exec(['true']);
      const started = Date.now();
      const running = transport.exec(['sleep', '20']);
      setTimeout(() => proxy.freeze(), 200);
      await expect(running).rejects.toMatchObject({ code: 'PROVIDER', retryable: true });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await transport.close();
      await proxy.close();
    }
  });

  it('resumes a download after sshd is killed and restarted on the same port, and the sha256 matches', async () => {
    // Big enough that the kill surely lands mid-transfer.
    const large = join(scratch.path, 'large.bin');
    await writeFile(large, Buffer.concat([bigData, bigData, bigData]));
    const expected = createHash('sha256').update(bigData).update(bigData).update(bigData).digest('hex');
    const transport = createSshTransport(base());
    const target = join(scratch.path, 'downloaded.bin');
    const logins = (): number => sshd.logs().split('\n').filter((line) => line.startsWith('Accepted publickey')).length;
    const loginsBefore = logins();
    const progress: number[] = [];
    let killedAt: number | undefined;
    try {
      const result = await transport.download(large, target, {
        onProgress: ({ bytes }) => {
          progress.push(bytes);
          if (killedAt === undefined && bytes > 16 << 20) {
            killedAt = bytes;
            void sshd.stop().then(() => new Promise((resolve) => setTimeout(resolve, 800))).then(() => sshd.start());
          }
        },
      });
      expect(result).toEqual({ files: 1, bytes: bigData.length * 3 });
    } finally {
      await transport.close();
    }
    // It connected again after the restart, and never went back to zero: it went on from the partial file.
    expect(logins() - loginsBefore).toBeGreaterThanOrEqual(2);
    const afterKill = progress.slice(progress.indexOf(killedAt as number));
    expect(Math.min(...afterKill)).toBeGreaterThan(0);
    expect(sha256(await readFile(target))).toBe(expected);
  });

  it('resumes from the partial file left by an aborted download, and refetches a partial file that does not match', async () => {
    const transport = createSshTransport(base());
    const target = join(scratch.path, 'aborted.bin');
    try {
      const controller = new AbortController();
      const aborted = await transport
        .download(bigFile, target, { signal: controller.signal, onProgress: ({ bytes }) => bytes > bigData.length / 4 && controller.abort() })
        .catch((reason: unknown) => reason);
      expect(RunctlError.hasCode(aborted, 'ABORTED')).toBe(true);
      const partial = (await stat(target)).size;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(bigData.length);
      // What is on disk is an exact prefix.
      expect((await readFile(target)).equals(bigData.subarray(0, partial))).toBe(true);

      const seen: number[] = [];
      await transport.download(bigFile, target, { onProgress: ({ bytes }) => seen.push(bytes) });
      expect(Math.min(...seen)).toBeGreaterThanOrEqual(partial);
      expect(sha256(await readFile(target))).toBe(sha256(bigData));

      // A partial copy of some other file fails the checksum and is fetched again from the start.
      await writeFile(target, randomBytes(10 << 20));
      await transport.download(bigFile, target);
      expect(sha256(await readFile(target))).toBe(sha256(bigData));
    } finally {
      await transport.close();
    }
  });

  it('refuses a download whose file changes while it is read', async () => {
    const growing = join(scratch.path, 'growing.bin');
    await writeFile(growing, bigData.subarray(0, 48 << 20));
    for (const verifyDownloads of ['resumed', 'always'] as const) {
      const transport = createSshTransport({ ...base(), verifyDownloads });
      let touched = false;
      try {
        const error = await transport
          .download(growing, join(scratch.path, `growing-${verifyDownloads}.bin`), {
            onProgress: ({ bytes }) => {
              if (!touched && bytes > 8 << 20) {
                touched = true;
                void appendFile(growing, 'more');
              }
            },
          })
          .catch((reason: unknown) => reason);
        expect(error).toMatchObject({ code: 'PROVIDER', retryable: false });
        expect((error as Error).message).toContain('changed while it was being downloaded');
      } finally {
        await transport.close();
      }
    }
  });
});
