import { open, readFile, stat } from 'node:fs/promises';
import type { CompletedPart, S3Client } from '@aws-sdk/client-s3';
import { abortError } from '@runctl/core';
import type { S3Sdk } from '../aws-clients.ts';
import { awsError } from '../aws-errors.ts';
import type { S3Location } from './s3-url.ts';

const SINGLE_PUT_LIMIT = 16 * 1024 * 1024;
const MAX_PARTS = 10_000;

/** Options of {@link uploadFile}. */
export interface UploadFileOptions {
  provider: string;
  signal?: AbortSignal | undefined;
  /** Stored as `x-amz-meta-*`; runctl stores the file's `sha256` there. */
  metadata?: Record<string, string>;
  /** Parts in flight for large files (default 4). */
  concurrency?: number;
  onProgress?: (bytes: number, totalBytes: number) => void;
}

/**
 * Uploads a local file: one PutObject up to 16 MiB, else a multipart upload
 * (parts of at least 16 MiB, at most 10,000 of them, a few in flight),
 * aborted if any part fails so no parts linger (and bill).
 */
export async function uploadFile(s3: { client: S3Client; sdk: S3Sdk }, path: string, target: S3Location, options: UploadFileOptions): Promise<number> {
  const { client, sdk } = s3;
  const { provider, signal } = options;
  const where = `s3://${target.bucket}/${target.key}`;
  const call = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw awsError(error, { operation: `${operation} ${where}`, provider, signal });
    }
  };
  const http = signal ? { abortSignal: signal } : {};
  const size = (await stat(path)).size;
  const base = { Bucket: target.bucket, Key: target.key, ...(options.metadata ? { Metadata: options.metadata } : {}) };
  if (size <= SINGLE_PUT_LIMIT) {
    const body = await readFile(path);
    await call('PutObject', () => client.send(new sdk.PutObjectCommand({ ...base, Body: body, ContentLength: size }), http));
    options.onProgress?.(size, size);
    return size;
  }

  const partSize = Math.max(SINGLE_PUT_LIMIT, Math.ceil(size / MAX_PARTS));
  const created = await call('CreateMultipartUpload', () => client.send(new sdk.CreateMultipartUploadCommand(base), http));
  const uploadId = created.UploadId as string;
  const handle = await open(path, 'r');
  const parts: CompletedPart[] = [];
  let sent = 0;
  try {
    const queue = Array.from({ length: Math.ceil(size / partSize) }, (_, index) => index);
    let failed = false;
    const worker = async (): Promise<void> => {
      for (let index = queue.shift(); index !== undefined && !failed; index = queue.shift()) {
        if (signal?.aborted) throw abortError(signal, provider);
        const start = index * partSize;
        const length = Math.min(partSize, size - start);
        const buffer = Buffer.allocUnsafe(length);
        await handle.read(buffer, 0, length, start);
        const out = await call('UploadPart', () =>
          client.send(new sdk.UploadPartCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId, PartNumber: index + 1, Body: buffer, ContentLength: length }), http),
        );
        parts.push({ PartNumber: index + 1, ETag: out.ETag as string, ...(out.ChecksumCRC32 ? { ChecksumCRC32: out.ChecksumCRC32 } : {}) });
        sent += length;
        options.onProgress?.(sent, size);
      }
    };
    const results = await Promise.allSettled(Array.from({ length: options.concurrency ?? 4 }, () => worker().catch((error: unknown) => {
      failed = true;
      throw error;
    })));
    const rejected = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (rejected !== undefined) throw rejected.reason;
    parts.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    await call('CompleteMultipartUpload', () =>
      client.send(new sdk.CompleteMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId, MultipartUpload: { Parts: parts } }), http),
    );
    return size;
  } catch (error) {
    await client.send(new sdk.AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId })).catch(() => undefined);
    throw error;
  } finally {
    await handle.close();
  }
}

/** Deletes an object; a missing one is fine. */
export async function deleteObject(s3: { client: S3Client; sdk: S3Sdk }, target: S3Location): Promise<void> {
  await s3.client.send(new s3.sdk.DeleteObjectCommand({ Bucket: target.bucket, Key: target.key })).catch(() => undefined);
}
