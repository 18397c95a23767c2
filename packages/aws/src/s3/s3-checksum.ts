import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';

/** How a download was verified, strongest first. */
export type Verification = 'sha256' | 'crc32' | 'md5' | 'size';

/** The check a finished download can get from what S3 says about the object. */
export interface ExpectedChecksum {
  kind: Verification;
  /** hex for sha256 (our metadata) and md5 (ETag); base64 for S3's own sha256 and crc32. */
  value: string;
}

/**
 * What to verify a download against: runctl's own `sha256` metadata, then
 * S3's full-object SHA-256 or CRC32, then the ETag when it is a plain MD5
 * (single-part, not KMS-encrypted); otherwise only the size.
 */
export function expectedChecksum(head: HeadObjectCommandOutput): ExpectedChecksum {
  const ours = head.Metadata?.['sha256'];
  if (ours !== undefined && /^[0-9a-f]{64}$/.test(ours)) return { kind: 'sha256', value: ours };
  const fullObject = head.ChecksumType === undefined || head.ChecksumType === 'FULL_OBJECT';
  if (fullObject && head.ChecksumSHA256 !== undefined && !head.ChecksumSHA256.includes('-')) return { kind: 'sha256', value: head.ChecksumSHA256 };
  if (fullObject && head.ChecksumCRC32 !== undefined && !head.ChecksumCRC32.includes('-')) return { kind: 'crc32', value: head.ChecksumCRC32 };
  const etag = head.ETag?.replace(/"/g, '');
  if (etag !== undefined && /^[0-9a-f]{32}$/.test(etag) && head.ServerSideEncryption !== 'aws:kms' && head.ServerSideEncryption !== 'aws:kms:dsse') {
    return { kind: 'md5', value: etag };
  }
  return { kind: 'size', value: String(head.ContentLength ?? 0) };
}

/** Whether the file at `path` matches; reads it once. */
export async function matchesChecksum(path: string, expected: ExpectedChecksum, size: number): Promise<boolean> {
  if (expected.kind === 'size') return true;
  if (expected.kind === 'crc32') {
    let value = 0;
    for await (const chunk of createReadStream(path)) value = crc32(chunk as Buffer, value);
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(value >>> 0);
    return bytes.toString('base64') === expected.value;
  }
  const hash = createHash(expected.kind);
  let read = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    read += (chunk as Buffer).length;
  }
  if (read !== size) return false;
  const digest = hash.digest();
  return expected.value.length === 64 || expected.value.length === 32 ? digest.toString('hex') === expected.value : digest.toString('base64') === expected.value;
}

/** sha256 (hex) of a file. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
