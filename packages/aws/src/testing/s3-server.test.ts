import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startS3Server, type S3Server } from './index.ts';

describe('s3rver on loopback with the real S3Client', () => {
  let server: S3Server;
  let scratch: string;
  beforeAll(async () => {
    server = await startS3Server({ buckets: ['runctl-jobs'] });
    scratch = mkdtempSync(join(tmpdir(), 's3-test-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  // SDK defaults (CRC32 checksums, aws-chunked for streams) and the S3-compatible-store setting.
  const configs: Array<[string, Partial<S3ClientConfig>]> = [
    ['default checksum settings', {}],
    ['WHEN_REQUIRED checksums', { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }],
  ];

  test.each(configs)('round trip with %s: put, ranged get, head, list, delete', async (label, extra) => {
    const s3 = new S3Client({ ...server.clientConfig(), ...extra });
    const prefix = `jobs/${label.replace(/\W+/g, '-')}/`;
    await s3.send(new PutObjectCommand({ Bucket: 'runctl-jobs', Key: `${prefix}hello.txt`, Body: 'hello world' }));
    // A stream of unknown length goes out aws-chunked with a trailing checksum by default.
    const file = join(scratch, `${label.replace(/\W+/g, '-')}.bin`);
    writeFileSync(file, 'streamed checkpoint bytes');
    await s3.send(new PutObjectCommand({ Bucket: 'runctl-jobs', Key: `${prefix}ckpt.bin`, Body: createReadStream(file) }));

    const whole = await s3.send(new GetObjectCommand({ Bucket: 'runctl-jobs', Key: `${prefix}ckpt.bin` }));
    expect(await whole.Body?.transformToString()).toBe('streamed checkpoint bytes');
    expect(whole.ContentEncoding).toBeUndefined();

    const head = await s3.send(new HeadObjectCommand({ Bucket: 'runctl-jobs', Key: `${prefix}hello.txt` }));
    expect(head.ContentLength).toBe(11);
    const ranged = await s3.send(
      new GetObjectCommand({ Bucket: 'runctl-jobs', Key: `${prefix}hello.txt`, Range: 'bytes=6-10', IfMatch: head.ETag }),
    );
    expect(ranged.$metadata.httpStatusCode).toBe(206);
    expect(ranged.ContentRange).toBe('bytes 6-10/11');
    expect(await ranged.Body?.transformToString()).toBe('world');

    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 1 }, { Bucket: 'runctl-jobs', Prefix: prefix })) {
      keys.push(...(page.Contents ?? []).map((c) => c.Key ?? ''));
    }
    expect(keys).toEqual([`${prefix}ckpt.bin`, `${prefix}hello.txt`]);

    await s3.send(new DeleteObjectCommand({ Bucket: 'runctl-jobs', Key: `${prefix}hello.txt` }));
    await expect(s3.send(new GetObjectCommand({ Bucket: 'runctl-jobs', Key: `${prefix}hello.txt` }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
    s3.destroy();
  });

  test('multipart upload (what lib-storage Upload does)', async () => {
    const s3 = new S3Client(server.clientConfig());
    const Key = 'big/model.bin';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'runctl-jobs', Key }));
    const first = Buffer.alloc(5 * 1024 * 1024, 'a');
    const parts = [];
    for (const [index, body] of [first, Buffer.from('tail')].entries()) {
      const PartNumber = index + 1;
      // Readable bodies take the aws-chunked path, as lib-storage's streamed parts may.
      const out = await s3.send(
        new UploadPartCommand({ Bucket: 'runctl-jobs', Key, UploadId, PartNumber, Body: Readable.from([body]), ContentLength: body.length }),
      );
      parts.push({ PartNumber, ETag: out.ETag });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'runctl-jobs', Key, UploadId, MultipartUpload: { Parts: parts } }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'runctl-jobs', Key }));
    expect(head.ContentLength).toBe(first.length + 4);
    const tail = await s3.send(new GetObjectCommand({ Bucket: 'runctl-jobs', Key, Range: `bytes=${first.length - 1}-` }));
    expect(await tail.Body?.transformToString()).toBe('atail');
    s3.destroy();
  });

  test('createBucket helper and the subprocess environment', async () => {
    await server.createBucket('made-later');
    const s3 = new S3Client(server.clientConfig());
    await s3.send(new PutObjectCommand({ Bucket: 'made-later', Key: 'k', Body: 'v' }));
    expect(server.env()).toEqual({ AWS_ENDPOINT_URL_S3: server.endpoint });
    s3.destroy();
  });
});
