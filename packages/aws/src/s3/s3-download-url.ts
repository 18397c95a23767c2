import type { S3Client } from '@aws-sdk/client-s3';
import { RunctlError, type DownloadResult } from '@runctl/core';
import type { S3Sdk } from '../aws-clients.ts';
import { downloadObject } from './s3-download.ts';
import { downloadPrefix } from './s3-prefix-download.ts';
import { parseS3Url } from './s3-url.ts';

/**
 * Downloads `s3://bucket/key` to `localPath`: the object if there is one
 * (and the URL does not end in `/`), else everything under that prefix into
 * a folder. Ranged, parallel, resumable, verified, and renamed into place.
 */
export async function downloadS3(
  s3: { client: S3Client; sdk: S3Sdk },
  url: string,
  localPath: string,
  options: { provider: string; signal?: AbortSignal | undefined; onProgress?: ((progress: { bytes: number; totalBytes?: number }) => void) | undefined },
): Promise<DownloadResult> {
  const location = parseS3Url(url, 'remotePath', options.provider);
  const fetch = {
    provider: options.provider,
    signal: options.signal,
    ...(options.onProgress ? { onProgress: (bytes: number, totalBytes: number) => options.onProgress?.({ bytes, totalBytes }) } : {}),
  };
  if (location.key !== '' && !location.key.endsWith('/')) {
    try {
      const { bytes } = await downloadObject(s3, location, localPath, fetch);
      return { localPath, files: 1, bytes };
    } catch (error) {
      // No such object: maybe a prefix.
      if (!RunctlError.hasCode(error, 'NOT_FOUND')) throw error;
    }
  }
  const { files, bytes } = await downloadPrefix(s3, location, localPath, fetch);
  return { localPath, files, bytes };
}
