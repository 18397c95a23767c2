import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { RunctlError, abortError } from '@runctl/core';
import type { S3Sdk } from '../aws-clients.ts';
import { awsError } from '../aws-errors.ts';
import { expectedChecksum, matchesChecksum, type Verification } from './s3-checksum.ts';
import type { S3Location } from './s3-url.ts';

/** Options of {@link downloadObject}. */
export interface DownloadObjectOptions {
  provider: string;
  signal?: AbortSignal | undefined;
  /** Bytes per ranged GET (default 8 MiB). */
  partSize?: number;
  /** Ranged GETs in flight (default 4). */
  concurrency?: number;
  /** Called with the bytes written so far (resumed parts included). */
  onProgress?: (bytes: number, totalBytes: number) => void;
}

/** What a download fetched and how it was checked. */
export interface DownloadedObject {
  bytes: number;
  verified: Verification;
  /** Bytes that were already there from an earlier, interrupted attempt. */
  resumedBytes: number;
}

/** Progress kept next to the partial file, so a later call resumes. */
interface PartialState {
  etag: string;
  size: number;
  partSize: number;
  done: number[];
}

/**
 * Downloads one S3 object to `localPath`:
 * - in parallel ranged GETs, each pinned to the object's ETag (`If-Match`),
 *   so a changed object is never spliced into an old one;
 * - into `<localPath>.runctl-partial`, with the finished ranges recorded in
 *   `<localPath>.runctl-partial.json`: a later call resumes after a crash or
 *   an abort;
 * - verified against runctl's sha256 metadata, S3's full-object checksum or
 *   the MD5 ETag (whichever exists), then renamed into place atomically.
 */
export async function downloadObject(s3: { client: S3Client; sdk: S3Sdk }, source: S3Location, localPath: string, options: DownloadObjectOptions): Promise<DownloadedObject> {
  const { client, sdk } = s3;
  const { provider, signal } = options;
  const where = `s3://${source.bucket}/${source.key}`;
  const send = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw awsError(error, { operation: `${operation} ${where}`, provider, signal });
    }
  };
  const head = await send('HeadObject', () => client.send(new sdk.HeadObjectCommand({ Bucket: source.bucket, Key: source.key, ChecksumMode: 'ENABLED' }), signal ? { abortSignal: signal } : {}));
  const size = head.ContentLength ?? 0;
  const etag = head.ETag ?? '';
  const partial = `${localPath}.runctl-partial`;
  const statePath = `${partial}.json`;
  await mkdir(dirname(localPath), { recursive: true });

  const partSize = options.partSize ?? 8 * 1024 * 1024;
  let state = await readState(statePath);
  const usable = state !== undefined && state.etag === etag && state.size === size && state.partSize === partSize && (await stat(partial).catch(() => undefined))?.size === size;
  if (!usable) state = { etag, size, partSize, done: [] };
  const current = state as PartialState;
  const handle = await open(partial, usable ? 'r+' : 'w');
  const done = new Set(current.done);
  const parts = Math.ceil(size / partSize);
  const resumedBytes = [...done].reduce((sum, index) => sum + partLength(index, partSize, size), 0);
  let written = resumedBytes;
  try {
    if (!usable) await handle.truncate(size);
    options.onProgress?.(written, size);
    const queue = Array.from({ length: parts }, (_, index) => index).filter((index) => !done.has(index));
    let saving = Promise.resolve();
    let failed = false;
    const worker = async (): Promise<void> => {
      for (let index = queue.shift(); index !== undefined && !failed; index = queue.shift()) {
        if (signal?.aborted) throw abortError(signal, provider);
        const start = index * partSize;
        const length = partLength(index, partSize, size);
        const out = await send('GetObject', () =>
          client.send(new sdk.GetObjectCommand({ Bucket: source.bucket, Key: source.key, Range: `bytes=${start}-${start + length - 1}`, IfMatch: etag }), signal ? { abortSignal: signal } : {}),
        );
        const bytes = await send('GetObject', async () => (out.Body === undefined ? new Uint8Array() : await out.Body.transformToByteArray()));
        if (bytes.length !== length) {
          throw new RunctlError({ code: 'PROVIDER', provider, retryable: true, message: `S3 returned ${bytes.length} bytes for a range of ${length} of ${where}.` });
        }
        await handle.write(bytes, 0, length, start);
        done.add(index);
        written += length;
        options.onProgress?.(written, size);
        // One state write at a time, in order; the state only speeds up a resume, so a failed write is ignored.
        saving = saving.then(() => writeState(statePath, { ...current, done: [...done] })).catch(() => undefined);
      }
    };
    const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, parts)) }, () =>
      worker().catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    );
    // Let every worker stop before the file handle closes.
    const results = await Promise.allSettled(workers);
    await saving;
    const rejected = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (rejected !== undefined) throw rejected.reason;
  } finally {
    await handle.close();
  }

  const expected = expectedChecksum(head);
  if (!(await matchesChecksum(partial, expected, size))) {
    await rm(partial, { force: true });
    await rm(statePath, { force: true });
    throw new RunctlError({ code: 'PROVIDER', provider, retryable: true, message: `Downloaded ${where}, but its ${expected.kind} does not match; the partial file was removed, so a retry starts over.` });
  }
  await rename(partial, localPath);
  await rm(statePath, { force: true });
  return { bytes: size, verified: expected.kind, resumedBytes };
}

function partLength(index: number, partSize: number, size: number): number {
  return Math.min(partSize, size - index * partSize);
}

async function readState(path: string): Promise<PartialState | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as PartialState;
    return Array.isArray(value.done) ? value : undefined;
  } catch {
    return undefined;
  }
}

async function writeState(path: string, state: PartialState): Promise<void> {
  await writeFile(`${path}.tmp`, JSON.stringify(state));
  await rename(`${path}.tmp`, path);
}
