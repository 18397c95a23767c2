import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { RunctlError, abortError } from '@runctl/core';
import { BLOCK, encodeHeader, padding, paxRecord } from './tar-header.ts';

/** Options of {@link writeTarGz}. */
export interface TarOptions {
  /** Keep an entry (path relative to the folder, `/`-separated). */
  filter?: ((relativePath: string, info: { isDirectory: boolean }) => boolean) | undefined;
  signal?: AbortSignal | undefined;
}

/** What went into an archive. */
export interface TarResult {
  files: number;
  /** Bytes of file content. */
  bytes: number;
  /** Size and sha256 (hex) of the .tar.gz itself. */
  archiveSize: number;
  sha256: string;
}

/**
 * Packs a local folder into a .tar.gz (pax format, readable by GNU tar and
 * busybox): its folders and regular files, with their permission bits,
 * filtered; symlinks and special files are left out, never followed.
 */
export async function writeTarGz(root: string, target: string, options: TarOptions = {}): Promise<TarResult> {
  const gzip = createGzip();
  const hash = createHash('sha256');
  let archiveSize = 0;
  gzip.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    archiveSize += chunk.length;
  });
  const file = createWriteStream(target, { mode: 0o600 });
  const piped = new Promise<void>((resolve, reject) => {
    file.once('error', reject);
    gzip.once('error', reject);
    file.once('finish', resolve);
  });
  gzip.pipe(file);
  const result = { files: 0, bytes: 0 };

  const walk = async (relative: string): Promise<void> => {
    if (options.signal?.aborted) throw abortError(options.signal);
    const entries = await readdir(relative === '' ? root : join(root, relative), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const absolute = join(root, path);
      if (entry.isDirectory()) {
        if (!(options.filter?.(path, { isDirectory: true }) ?? true)) continue;
        const info = await lstat(absolute);
        await writeEntry(gzip, `${path}/`, { mode: info.mode, size: 0, mtime: info.mtimeMs / 1000, typeflag: '5' });
        await walk(path);
      } else if (entry.isFile()) {
        if (!(options.filter?.(path, { isDirectory: false }) ?? true)) continue;
        const info = await lstat(absolute);
        await writeEntry(gzip, path, { mode: info.mode, size: info.size, mtime: info.mtimeMs / 1000, typeflag: '0' });
        await copyContent(gzip, absolute, info.size);
        result.files++;
        result.bytes += info.size;
      }
    }
  };

  try {
    await walk('');
    await write(gzip, Buffer.alloc(BLOCK * 2));
    gzip.end();
    await piped;
  } catch (error) {
    gzip.destroy();
    file.destroy();
    throw error;
  }
  return { ...result, archiveSize, sha256: hash.digest('hex') };
}

async function writeEntry(out: Writable, name: string, header: { mode: number; size: number; mtime: number; typeflag: string }): Promise<void> {
  const long = Buffer.byteLength(name) > 100;
  const huge = header.size > 0o77777777777;
  if (long || huge) {
    const records = Buffer.from(`${long ? paxRecord('path', name) : ''}${huge ? paxRecord('size', String(header.size)) : ''}`);
    await write(out, encodeHeader({ name: 'PaxHeader', mode: 0o644, size: records.length, mtime: header.mtime, typeflag: 'x' }));
    await write(out, records);
    await write(out, Buffer.alloc(padding(records.length)));
  }
  const shortName = long ? Buffer.from(name).subarray(0, 100).toString('utf8').replace(/\uFFFD+$/, '') : name;
  await write(out, encodeHeader({ ...header, name: shortName }));
}

/** Exactly `size` bytes of the file (zeros if it shrank meanwhile), then the padding. */
async function copyContent(out: Writable, path: string, size: number): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(Math.min(size, 1 << 20) || 1);
    let copied = 0;
    while (copied < size) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - copied), copied);
      if (bytesRead === 0) break;
      await write(out, Buffer.from(buffer.subarray(0, bytesRead)));
      copied += bytesRead;
    }
    if (copied < size) await write(out, Buffer.alloc(size - copied));
    await write(out, Buffer.alloc(padding(size)));
  } finally {
    await handle.close();
  }
}

/** Writes with backpressure. */
function write(out: Writable, chunk: Buffer): Promise<void> {
  if (chunk.length === 0) return Promise.resolve();
  if (out.destroyed) return Promise.reject(new RunctlError({ code: 'PROVIDER', message: 'The archive stream closed early.' }));
  return out.write(chunk) ? Promise.resolve() : new Promise((resolve) => out.once('drain', () => resolve()));
}
