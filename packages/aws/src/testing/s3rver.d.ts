// Minimal typing of the parts of s3rver 3.7 (a Koa app) used by s3-server.ts.
declare module 's3rver' {
  import type { IncomingMessage, Server } from 'node:http';
  import type { Readable } from 'node:stream';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: Array<{ name: string; configs?: Array<string | Buffer> }>;
  }

  interface S3rverContext {
    req: IncomingMessage | Readable;
    headers: Record<string, string | string[] | undefined>;
  }

  interface S3rverObject {
    bucket: string;
    key: string;
    content: unknown;
    metadata: Record<string, string>;
  }

  interface S3rverStore {
    putBucket(bucket: string): Promise<void>;
    putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
    getResourcePath(bucket: string, key: string, resource: string): string;
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    run(): Promise<{ address: string; port: number; family: string }>;
    close(): Promise<void>;
    reset(): void;
    middleware: Array<(ctx: S3rverContext, next: () => Promise<void>) => Promise<void> | void>;
    store: S3rverStore;
    httpServer?: Server;
  }

  export default S3rver;
}
