import { InvalidInputError } from '@runctl/core';

/** An object or prefix in S3. */
export interface S3Location {
  bucket: string;
  key: string;
}

const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

/** Whether `value` is an `s3://bucket/key` URL. */
export function isS3Url(value: string): boolean {
  return value.startsWith('s3://');
}

/** Parses `s3://bucket/key`; anything else is an input error on `field`. */
export function parseS3Url(url: string, field: string, provider?: string): S3Location {
  const match = S3_URL.exec(url);
  if (match === null) {
    throw new InvalidInputError({ field, provider, message: `Invalid ${field}: ${JSON.stringify(url.slice(0, 200))} is not an s3://bucket/key URL.` });
  }
  return { bucket: match[1] as string, key: match[2] ?? '' };
}

/** `s3://bucket/key`. */
export function s3Url(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

/** Joins key parts with single slashes. */
export function joinKey(...parts: string[]): string {
  return parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part !== '')
    .join('/');
}
