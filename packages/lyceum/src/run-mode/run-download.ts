import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { InvalidInputError, RunctlError, abortError, type DownloadOptions, type DownloadResult } from '@runctl/core';
import type { LyceumHttp } from '../lyceum-http.ts';
import type { RunApi, StoredObject } from './run-api.ts';

/** Where run outputs live inside a run: the account bucket is mounted there. */
export const BUCKET_MOUNT = '/mnt/s3/';

/**
 * Downloads run outputs from the account bucket: `remotePath` is an object
 * key (one file) or a key prefix (a folder), with or without the in-run
 * mount path `/mnt/s3/` in front. Lists with `/storage/list-files`, fetches
 * each object with `/storage/download/{key}`, and lands the result at
 * `localPath` only once every byte has arrived.
 */
export async function downloadFromBucket(
  http: LyceumHttp,
  api: RunApi,
  remotePath: string,
  localPath: string,
  options: DownloadOptions & { provider: string },
): Promise<DownloadResult> {
  const { provider, signal } = options;
  const key = bucketKey(remotePath, provider);
  const listed = await api.listFiles(key, signal);
  const exact = listed.find((object) => object.key === key);
  const folderPrefix = key === '' || key.endsWith('/') ? key : `${key}/`;
  const inFolder = listed.filter((object) => object.key.startsWith(folderPrefix) && !object.key.endsWith('/'));
  if (exact === undefined && inFolder.length === 0) {
    throw new RunctlError({ code: 'NOT_FOUND', provider, message: `Nothing at ${key || '/'} in the Lyceum bucket.`, hint: 'Runs write outputs under /mnt/s3/<key>; pass that key (or folder) to download().' });
  }
  const staging = `${localPath}.runctl-partial`;
  await rm(staging, { recursive: true, force: true });
  const totalBytes = exact !== undefined ? exact.size : sumSizes(inFolder);
  let bytes = 0;
  const progress = (count: number): void => {
    bytes += count;
    options.onProgress?.({ bytes, ...(totalBytes === undefined ? {} : { totalBytes }) });
  };
  try {
    if (exact !== undefined) {
      await fetchObject(http, api, exact.key, staging, progress, provider, signal);
    } else {
      for (const object of inFolder) {
        const relative = object.key.slice(folderPrefix.length);
        if (relative.split('/').some((part) => part === '..' || part === '.' || part === '')) continue; // never outside localPath
        await fetchObject(http, api, object.key, join(staging, relative), progress, provider, signal);
      }
    }
    await rm(localPath, { recursive: true, force: true });
    await rename(staging, localPath);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (signal?.aborted) throw abortError(signal, provider);
    throw error;
  }
  return { localPath, files: exact !== undefined ? 1 : inFolder.length, bytes };
}

/** The bucket key of a remote path; `..` is refused so keys never climb. */
export function bucketKey(remotePath: string, provider?: string): string {
  let key = remotePath.startsWith(BUCKET_MOUNT) ? remotePath.slice(BUCKET_MOUNT.length) : remotePath === BUCKET_MOUNT.slice(0, -1) ? '' : remotePath;
  key = key.replace(/^\/+/, '');
  if (key.split('/').includes('..')) {
    throw new InvalidInputError({ field: 'remotePath', provider, message: `Invalid remotePath: ${remotePath} contains '..'.` });
  }
  return key;
}

async function fetchObject(http: LyceumHttp, api: RunApi, key: string, target: string, progress: (bytes: number) => void, provider: string, signal?: AbortSignal): Promise<void> {
  const response = await http.open(api.downloadUrl(key), { signal, withAuth: true });
  if (response.body === null) throw new RunctlError({ code: 'PROVIDER', provider, message: `Lyceum sent no body for ${key}.` });
  await mkdir(dirname(target), { recursive: true });
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      progress(chunk.length);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), counter, createWriteStream(target), signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw abortError(signal, provider);
    throw new RunctlError({ code: 'PROVIDER', provider, retryable: true, message: `Downloading ${key} from the Lyceum bucket broke off.`, cause: new Error(String((error as Error).message ?? error)) });
  }
}

function sumSizes(objects: readonly StoredObject[]): number | undefined {
  let total = 0;
  for (const object of objects) {
    if (object.size === undefined) return undefined;
    total += object.size;
  }
  return total;
}
