import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { RunctlError } from '@runctl/core';
import type { S3Sdk } from '../aws-clients.ts';
import { awsError } from '../aws-errors.ts';
import { downloadObject, type DownloadObjectOptions } from './s3-download.ts';
import type { S3Location } from './s3-url.ts';

/** The objects under a prefix, with their path relative to it. */
export async function listPrefix(s3: { client: S3Client; sdk: S3Sdk }, location: S3Location, options: { provider: string; signal?: AbortSignal | undefined }): Promise<Array<{ key: string; relative: string; size: number }>> {
  const prefix = location.key === '' || location.key.endsWith('/') ? location.key : `${location.key}/`;
  const found: Array<{ key: string; relative: string; size: number }> = [];
  try {
    const pages = s3.sdk.paginateListObjectsV2({ client: s3.client, pageSize: 1000, ...(options.signal ? { abortSignal: options.signal } : {}) }, { Bucket: location.bucket, Prefix: prefix });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || object.Key.endsWith('/')) continue;
        found.push({ key: object.Key, relative: object.Key.slice(prefix.length), size: object.Size ?? 0 });
      }
    }
  } catch (error) {
    throw awsError(error, { operation: `ListObjectsV2 s3://${location.bucket}/${prefix}`, provider: options.provider, signal: options.signal });
  }
  return found;
}

/**
 * Downloads every object under a prefix into a folder, each one with
 * {@link downloadObject} (ranged, resumable, verified). Objects land in
 * `<localDir>.runctl-partial/`, which is renamed into place once all are
 * done; an interrupted call resumes from there.
 */
export async function downloadPrefix(s3: { client: S3Client; sdk: S3Sdk }, location: S3Location, localDir: string, options: DownloadObjectOptions): Promise<{ files: number; bytes: number }> {
  const objects = await listPrefix(s3, location, options);
  if (objects.length === 0) {
    throw new RunctlError({ code: 'NOT_FOUND', provider: options.provider, message: `Nothing in S3 at s3://${location.bucket}/${location.key}.` });
  }
  const staging = `${localDir}.runctl-partial`;
  await mkdir(staging, { recursive: true });
  const total = objects.reduce((sum, object) => sum + object.size, 0);
  let finished = 0;
  let files = 0;
  for (const object of objects) {
    const parts = object.relative.split('/');
    if (parts.some((part) => part === '' || part === '.' || part === '..')) continue; // never outside the folder
    const base = finished;
    await downloadObject(s3, { bucket: location.bucket, key: object.key }, join(staging, ...parts), {
      ...options,
      onProgress: (bytes) => options.onProgress?.(base + bytes, total),
    });
    finished += object.size;
    files++;
  }
  await rm(localDir, { recursive: true, force: true });
  await rename(staging, localDir);
  return { files, bytes: finished };
}
