import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type S3rver from 's3rver';
import { AwsChunkedDecoder, isAwsChunked } from './aws-chunked.ts';

/**
 * Fixes for s3rver 3.7.1 under Node 24 and current SDKs, applied around its
 * internals (pinned version; see the root package.json):
 * 1. aws-chunked uploads (SDK default for streams) are decoded before storing.
 * 2. ListObjectsV2 continuation tokens use DES, which OpenSSL 3 no longer
 *    offers, so any truncated listing failed with InternalError; tokens are
 *    swapped for our own and mapped to `start-after`.
 * 3. putObject resolves before its file is flushed; wait for the full size so
 *    an immediate GET/HEAD never sees a short file.
 */
interface ListResult {
  objects: Array<{ key: string }>;
  commonPrefixes: string[];
  isTruncated: boolean;
}

interface BucketContext {
  query: Record<string, string | undefined>;
  store: { listObjects(bucket: string, options: unknown): Promise<ListResult> };
  body?: { ListBucketResult?: Record<string, unknown> };
}

type GetBucket = (ctx: BucketContext) => Promise<void>;

const require = createRequire(import.meta.url);
let listPatched = false;

export function applyS3rverPatches(server: S3rver): void {
  decodeAwsChunkedUploads(server);
  waitForFlushedObjects(server);
  patchListObjectsV2Tokens();
}

function decodeAwsChunkedUploads(server: S3rver): void {
  // Runs before s3rver's router; the headers stay as signed.
  server.middleware.unshift(async (ctx, next) => {
    if (isAwsChunked(ctx.headers)) ctx.req = ctx.req.pipe(new AwsChunkedDecoder());
    await next();
  });
}

function waitForFlushedObjects(server: S3rver): void {
  const store = server.store;
  const putObject = store.putObject.bind(store);
  store.putObject = async (object) => {
    // aws-chunked is a transfer detail, not an encoding of the stored object.
    const encoding = object.metadata['content-encoding'];
    if (encoding !== undefined) {
      const kept = encoding.split(',').map((e) => e.trim()).filter((e) => e !== 'aws-chunked' && e !== '');
      if (kept.length > 0) object.metadata['content-encoding'] = kept.join(',');
      else delete object.metadata['content-encoding'];
    }
    const result = await putObject(object);
    const path = store.getResourcePath(object.bucket, object.key, 'object');
    for (let i = 0; i < 200 && fileSize(path) < result.size; i += 1) await new Promise((r) => setTimeout(r, 5));
    return result;
  };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}

function patchListObjectsV2Tokens(): void {
  if (listPatched) return;
  listPatched = true;
  const controller = require('s3rver/lib/controllers/bucket.js') as { getBucket: GetBucket };
  const original = controller.getBucket;
  controller.getBucket = async (ctx) => {
    if (ctx.query['list-type'] !== '2') return original(ctx);
    const token = ctx.query['continuation-token'];
    if (token) {
      const { 'continuation-token': _ignored, ...rest } = ctx.query;
      ctx.query = { ...rest, 'start-after': decodeToken(token) };
    }
    let nextAfter: string | undefined;
    const store = ctx.store;
    ctx.store = {
      listObjects: async (bucket, options) => {
        const result = await store.listObjects(bucket, options);
        if (!result.isTruncated) return result;
        nextAfter = result.objects.at(-1)?.key;
        return { ...result, isTruncated: false };
      },
    };
    try {
      await original(ctx);
    } finally {
      delete (ctx as Partial<BucketContext>).store;
    }
    const list = ctx.body?.ListBucketResult;
    if (!list) return;
    if (token) {
      list['ContinuationToken'] = token;
      delete list['StartAfter'];
    }
    if (nextAfter !== undefined) {
      list['IsTruncated'] = true;
      list['NextContinuationToken'] = Buffer.from(nextAfter, 'utf8').toString('base64url');
    }
  };
}

function decodeToken(token: string): string {
  return Buffer.from(token, 'base64url').toString('utf8');
}
