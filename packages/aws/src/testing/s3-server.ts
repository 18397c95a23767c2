import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { FAKE_CREDENTIALS } from './client-config.ts';
import { applyS3rverPatches } from './s3rver-patches.ts';

/** s3rver only accepts requests signed with this key pair (it verifies SigV4). */
const S3RVER_CREDENTIALS = FAKE_CREDENTIALS;

export interface S3ServerOptions {
  /** Buckets to create at start. */
  buckets?: string[];
  /** Default 127.0.0.1. */
  host?: string;
  /** Storage folder; default a new temp folder, removed on close. */
  directory?: string;
}

export interface S3ClientSettings {
  region: string;
  endpoint: string;
  forcePathStyle: true;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface S3Server {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly directory: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  /** `{ region, endpoint, forcePathStyle, credentials }` for S3Client. */
  clientConfig(): S3ClientSettings;
  /**
   * Environment for a subprocess whose S3Client should use this server. With
   * an IP-address endpoint the SDK already uses path-style URLs.
   */
  env(): Record<string, string>;
  createBucket(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real S3-compatible server (s3rver, filesystem-backed) on loopback. Works
 * with @aws-sdk/client-s3 defaults; see s3rver-patches.ts for what had to be
 * fixed (aws-chunked uploads, ListObjectsV2 pagination on OpenSSL 3).
 */
export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'runctl-fake-s3-'));
  const host = options.host ?? '127.0.0.1';
  const server = new S3rver({
    address: host,
    port: 0,
    silent: true,
    directory,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  applyS3rverPatches(server);
  const { port } = await server.run();
  const endpoint = `http://${host}:${port}`;
  let closed: Promise<void> | undefined;
  return {
    endpoint,
    directory,
    credentials: { ...S3RVER_CREDENTIALS },
    clientConfig: () => ({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { ...S3RVER_CREDENTIALS } }),
    env: () => ({ AWS_ENDPOINT_URL_S3: endpoint }),
    createBucket: (name) => server.store.putBucket(name),
    close: () => {
      closed ??= (async () => {
        // SDK clients keep sockets alive; don't wait for them.
        server.httpServer?.closeAllConnections();
        await server.close();
        if (options.directory === undefined) rmSync(directory, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
