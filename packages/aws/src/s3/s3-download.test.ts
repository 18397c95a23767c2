import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sdk from '@aws-sdk/client-s3';
import { RunctlError } from '@runctl/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3Server } from '../testing/index.ts';
import { downloadObject } from './s3-download.ts';
import { downloadS3 } from './s3-download-url.ts';

const BUCKET = 'downloads';

describe('S3 downloads: ranged, parallel, resumable, verified, atomic', () => {
  let server: S3Server;
  let s3: { client: sdk.S3Client; sdk: typeof sdk };
  let root: string;
  const data = randomBytes(5 * 1024 * 1024 + 123);
  const sha256 = createHash('sha256').update(data).digest('hex');
  const put = (Key: string, Body: Buffer, Metadata?: Record<string, string>) => s3.client.send(new sdk.PutObjectCommand({ Bucket: BUCKET, Key, Body, ...(Metadata ? { Metadata } : {}) }));

  beforeAll(async () => {
    server = await startS3Server({ buckets: [BUCKET] });
    s3 = { client: new sdk.S3Client(server.clientConfig()), sdk };
    root = await mkdtemp(join(tmpdir(), 'runctl-s3-download-'));
    await put('model/weights.bin', data, { sha256 });
    await put('plain.bin', data);
  });
  afterAll(async () => {
    s3.client.destroy();
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('fetches ranges in parallel and checks runctl’s sha256, or else the MD5 ETag', async () => {
    const progress: number[] = [];
    const target = join(root, 'weights.bin');
    const result = await downloadObject(s3, { bucket: BUCKET, key: 'model/weights.bin' }, target, { provider: 'aws', partSize: 1024 * 1024, onProgress: (bytes) => progress.push(bytes) });
    expect(result).toEqual({ bytes: data.length, verified: 'sha256', resumedBytes: 0 });
    expect((await readFile(target)).equals(data)).toBe(true);
    expect(progress.length).toBeGreaterThanOrEqual(6);
    expect((await readdir(root)).filter((name) => name.includes('runctl-partial'))).toEqual([]);
    const plain = await downloadObject(s3, { bucket: BUCKET, key: 'plain.bin' }, join(root, 'plain.bin'), { provider: 'aws', partSize: 1024 * 1024 });
    expect(plain.verified).toBe('md5');
  });

  it('resumes an interrupted download from the ranges it already has', async () => {
    const target = join(root, 'resumed.bin');
    const controller = new AbortController();
    const first = await downloadObject(s3, { bucket: BUCKET, key: 'model/weights.bin' }, target, {
      provider: 'aws',
      partSize: 512 * 1024,
      concurrency: 1,
      signal: controller.signal,
      onProgress: (bytes) => {
        if (bytes >= 2 * 512 * 1024) controller.abort();
      },
    }).catch((error: unknown) => error);
    expect(RunctlError.hasCode(first, 'ABORTED')).toBe(true);
    await expect(stat(target)).rejects.toThrow();
    expect((await stat(`${target}.runctl-partial`)).size).toBe(data.length);
    const second = await downloadObject(s3, { bucket: BUCKET, key: 'model/weights.bin' }, target, { provider: 'aws', partSize: 512 * 1024 });
    expect(second.resumedBytes).toBeGreaterThanOrEqual(2 * 512 * 1024);
    expect((await readFile(target)).equals(data)).toBe(true);
  });

  it('rejects a download whose checksum does not match, and leaves nothing behind', async () => {
    await put('corrupt.bin', data, { sha256: '0'.repeat(64) });
    const target = join(root, 'corrupt.bin');
    const error = await downloadObject(s3, { bucket: BUCKET, key: 'corrupt.bin' }, target, { provider: 'aws' }).catch((caught: unknown) => caught);
    expect(RunctlError.hasCode(error, 'PROVIDER')).toBe(true);
    expect((error as Error).message).toContain('sha256 does not match');
    expect((await readdir(root)).filter((name) => name.startsWith('corrupt'))).toEqual([]);
  });

  it('downloads a prefix into a folder, and says NOT_FOUND for nothing', async () => {
    await put('run/checkpoints/epoch-1.pt', Buffer.from('one'));
    await put('run/checkpoints/sub/epoch-2.pt', Buffer.from('two'));
    const folder = join(root, 'checkpoints');
    expect(await downloadS3(s3, `s3://${BUCKET}/run/checkpoints/`, folder, { provider: 'aws' })).toEqual({ localPath: folder, files: 2, bytes: 6 });
    expect(await readFile(join(folder, 'sub/epoch-2.pt'), 'utf8')).toBe('two');
    // Without the trailing slash: no such object, so the prefix.
    expect((await downloadS3(s3, `s3://${BUCKET}/run/checkpoints`, join(root, 'again'), { provider: 'aws' })).files).toBe(2);
    await expect(downloadS3(s3, `s3://${BUCKET}/nothing/here/`, join(root, 'none'), { provider: 'aws' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(downloadS3(s3, 's3:/bad', join(root, 'bad'), { provider: 'aws' })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'remotePath' });
  });
});
