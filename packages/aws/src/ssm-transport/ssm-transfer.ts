import { randomUUID } from 'node:crypto';
import { lstat, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TransferOptions, TransferResult } from '@runctl/agent';
import { RunctlError } from '@runctl/core';
import { downloadObject } from '../s3/s3-download.ts';
import { sha256File } from '../s3/s3-checksum.ts';
import { deleteObject, uploadFile } from '../s3/s3-upload.ts';
import { joinKey, s3Url, type S3Location } from '../s3/s3-url.ts';
import { extractTarGz } from '../tar/tar-reader.ts';
import { writeTarGz } from '../tar/tar-writer.ts';
import { runSsmCommand, type SsmCommandContext } from './ssm-command.ts';
import { expectOk, parsePushFrame } from './ssm-frames.ts';
import { scriptCommand } from './ssm-scripts.ts';

/** Where the SSM transport stages files in S3 (objects live only for one transfer). */
export interface S3Staging {
  bucket: string;
  /** Key prefix of this instance's transfers, e.g. `runctl/transfers/i-0abc…`. */
  keyPrefix: string;
}

/** Transfers can run long: the executionTimeout of their commands (48 h, SSM's maximum). */
const TRANSFER_TIMEOUT_SECONDS = 172_800;

/**
 * Files and folders between this machine and the instance, through S3:
 * SSM carries only the short commands. Uploads go up with the SDK and are
 * fetched on the instance with the AWS CLI (its instance profile), checked
 * against their sha256; downloads go the other way, pushed by the instance
 * and fetched with ranged parallel GETs. Folders travel as one .tar.gz.
 * Every staged object is deleted after its transfer.
 */
export class SsmTransfers {
  readonly #context: SsmCommandContext;
  readonly #staging: S3Staging | undefined;

  constructor(context: SsmCommandContext, staging: S3Staging | undefined) {
    this.#context = context;
    this.#staging = staging;
  }

  get available(): boolean {
    return this.#staging !== undefined;
  }

  /** A fresh staging object. */
  location(): S3Location {
    const staging = this.#require('copy files to the instance');
    return { bucket: staging.bucket, key: joinKey(staging.keyPrefix, randomUUID()) };
  }

  async upload(localPath: string, remotePath: string, options: TransferOptions = {}): Promise<TransferResult> {
    const { signal } = options;
    const info = await lstat(localPath).catch(() => undefined);
    if (info === undefined) throw new RunctlError({ code: 'NOT_FOUND', provider: this.#context.provider, message: `Nothing at ${localPath}.` });
    if (info.isSymbolicLink()) throw new RunctlError({ code: 'INVALID_INPUT', provider: this.#context.provider, message: `${localPath} is a symlink; refusing to follow it.` });
    const target = this.location();
    const s3 = await this.#context.clients.s3();
    if (info.isFile()) {
      try {
        const sha256 = await sha256File(localPath);
        await uploadFile(s3, localPath, target, { provider: this.#context.provider, signal, metadata: { sha256 }, ...progress(options) });
        const mode = (info.mode & 0o777).toString(8);
        await this.#run(scriptCommand('fetchFile', [s3Url(target), sha256, remotePath, mode]), 'RUNCTL-FETCH', signal);
        return { files: 1, bytes: info.size };
      } finally {
        await deleteObject(s3, target);
      }
    }
    const archive = join(tmpdir(), `runctl-upload-${randomUUID()}.tar.gz`);
    try {
      const packed = await writeTarGz(localPath, archive, { filter: options.filter, signal });
      await uploadFile(s3, archive, target, { provider: this.#context.provider, signal, metadata: { sha256: packed.sha256 }, ...progress(options) });
      await this.#run(scriptCommand('fetchTree', [s3Url(target), packed.sha256, remotePath]), 'RUNCTL-FETCH', signal);
      return { files: packed.files, bytes: packed.bytes };
    } finally {
      await rm(archive, { force: true });
      await deleteObject(s3, target);
    }
  }

  async download(remotePath: string, localPath: string, options: TransferOptions = {}): Promise<TransferResult> {
    const { signal } = options;
    const { provider } = this.#context;
    const source = this.location();
    const s3 = await this.#context.clients.s3();
    try {
      const result = await runSsmCommand(this.#context, scriptCommand('push', [remotePath, s3Url(source)]), { signal, executionTimeoutSeconds: TRANSFER_TIMEOUT_SECONDS });
      const pushed = parsePushFrame(result.stdout, result.stderr, provider);
      if (pushed.kind === 'missing') throw new RunctlError({ code: 'NOT_FOUND', provider, message: `Nothing at ${remotePath} on ${this.#context.instanceId}.` });
      const fetchOptions = { provider, signal, ...(options.onProgress ? { onProgress: (bytes: number, totalBytes: number) => options.onProgress?.({ bytes, totalBytes }) } : {}) };
      if (pushed.kind === 'file') {
        const fetched = await downloadObject(s3, source, localPath, fetchOptions);
        return { files: 1, bytes: fetched.bytes };
      }
      const archive = `${localPath}.runctl-archive.tar.gz`;
      try {
        await downloadObject(s3, source, archive, fetchOptions);
        await rm(localPath, { recursive: true, force: true });
        return await extractTarGz(archive, localPath, { filter: options.filter, signal });
      } finally {
        await rm(archive, { force: true });
      }
    } finally {
      await deleteObject(s3, source);
    }
  }

  /** Writes data (too large for a command, or secret) through a staged object. */
  async writeFile(path: string, localCopy: string, sha256: string, mode: number, signal?: AbortSignal): Promise<void> {
    const target = this.location();
    const s3 = await this.#context.clients.s3();
    try {
      await uploadFile(s3, localCopy, target, { provider: this.#context.provider, signal, metadata: { sha256 } });
      await this.#run(scriptCommand('fetchFile', [s3Url(target), sha256, path, (mode & 0o777).toString(8)]), 'RUNCTL-FETCH', signal);
    } finally {
      await deleteObject(s3, target);
    }
  }

  async #run(command: string, tag: 'RUNCTL-FETCH', signal?: AbortSignal): Promise<void> {
    const result = await runSsmCommand(this.#context, command, { signal, executionTimeoutSeconds: TRANSFER_TIMEOUT_SECONDS });
    expectOk(result.stdout, tag, result.stderr, this.#context.provider);
  }

  #require(what: string): S3Staging {
    if (this.#staging === undefined) {
      throw new RunctlError({
        code: 'UNSUPPORTED',
        provider: this.#context.provider,
        message: `To ${what} over SSM, runctl needs an S3 bucket (settings.bucket): SSM carries only short commands.`,
        hint: 'Create a bucket, grant the instance profile s3:GetObject/PutObject on it (docs/providers/aws.md), and pass createAws({ bucket }).',
      });
    }
    return this.#staging;
  }
}

function progress(options: TransferOptions): { onProgress?: (bytes: number, totalBytes: number) => void } {
  return options.onProgress ? { onProgress: (bytes, totalBytes) => options.onProgress?.({ bytes, totalBytes }) } : {};
}
