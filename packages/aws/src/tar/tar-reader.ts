import { createReadStream } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { RunctlError, abortError } from '@runctl/core';
import { BLOCK, decodeHeader, padding, parsePax } from './tar-header.ts';
import type { TarOptions } from './tar-writer.ts';

/**
 * Unpacks a .tar.gz into `targetDir`: folders and regular files only
 * (links and special files are skipped), filtered, and never outside the
 * folder (absolute names and `..` are skipped). Understands pax and GNU
 * long names, as GNU tar writes them.
 */
export async function extractTarGz(archive: string, targetDir: string, options: TarOptions = {}): Promise<{ files: number; bytes: number }> {
  const source = createReadStream(archive).pipe(createGunzip());
  const reader = new BlockReader(source[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  const result = { files: 0, bytes: 0 };
  await mkdir(targetDir, { recursive: true });
  let pending: { path?: string; size?: number } = {};
  // Folders the filter rejected: nothing below them is kept either (as a walk would not enter them).
  const rejected: string[] = [];
  try {
    for (;;) {
      if (options.signal?.aborted) throw abortError(options.signal);
      const block = await reader.take(BLOCK);
      if (block === undefined) break;
      const header = decodeHeader(block);
      if (header === undefined) break;
      const size = pending.size ?? header.size;
      const name = pending.path ?? header.name;
      if (header.type === 'pax' || header.type === 'gnu-longname') {
        const data = await reader.takeAll(header.size + padding(header.size));
        const body = data.subarray(0, header.size);
        if (header.type === 'pax') {
          const values = parsePax(body);
          const path = values.get('path');
          const paxSize = values.get('size');
          pending = { ...pending, ...(path === undefined ? {} : { path }), ...(paxSize === undefined ? {} : { size: Number(paxSize) }) };
        } else {
          pending = { ...pending, path: body.toString('utf8').replace(/\0+$/, '') };
        }
        continue;
      }
      pending = {};
      const parts = safeParts(name);
      const isDirectory = header.type === 'directory';
      const relative = parts?.join('/') ?? '';
      const below = rejected.some((folder) => relative.startsWith(`${folder}/`));
      const keep = parts !== undefined && parts.length > 0 && !below && (header.type === 'file' || isDirectory) && (options.filter?.(relative, { isDirectory }) ?? true);
      if (isDirectory && !keep && relative !== '') rejected.push(relative);
      if (header.type !== 'file') {
        await reader.skip(size + padding(size));
        if (keep && isDirectory) await mkdir(join(targetDir, ...(parts as string[])), { recursive: true, mode: 0o700 | (header.mode & 0o777) });
        continue;
      }
      if (!keep) {
        await reader.skip(size + padding(size));
        continue;
      }
      const path = join(targetDir, ...(parts as string[]));
      await mkdir(join(path, '..'), { recursive: true });
      const handle = await open(path, 'w', header.mode & 0o777 || 0o644);
      try {
        await reader.copyTo(handle, size);
        await handle.chmod(header.mode & 0o777 || 0o644);
      } finally {
        await handle.close();
      }
      await reader.skip(padding(size));
      result.files++;
      result.bytes += size;
    }
  } finally {
    source.destroy();
  }
  return result;
}

/** The components of an entry name, or undefined when it would leave the folder. */
function safeParts(name: string): string[] | undefined {
  if (name.startsWith('/')) return undefined;
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  return parts.some((part) => part === '..') ? undefined : parts;
}

/** Pulls exact byte counts out of a chunk stream. */
class BlockReader {
  readonly #source: AsyncIterator<Buffer>;
  #buffer: Buffer = Buffer.alloc(0);

  constructor(source: AsyncIterator<Buffer>) {
    this.#source = source;
  }

  async #fill(): Promise<boolean> {
    const next = await this.#source.next();
    if (next.done) return false;
    this.#buffer = this.#buffer.length === 0 ? next.value : Buffer.concat([this.#buffer, next.value]);
    return true;
  }

  /** Exactly `length` bytes, or undefined at a clean end. */
  async take(length: number): Promise<Buffer | undefined> {
    while (this.#buffer.length < length) {
      if (!(await this.#fill())) {
        if (this.#buffer.length === 0) return undefined;
        throw truncated();
      }
    }
    const out = this.#buffer.subarray(0, length);
    this.#buffer = this.#buffer.subarray(length);
    return out;
  }

  async takeAll(length: number): Promise<Buffer> {
    const data = await this.take(length);
    if (data === undefined && length > 0) throw truncated();
    return data ?? Buffer.alloc(0);
  }

  async skip(length: number): Promise<void> {
    let left = length;
    while (left > 0) {
      if (this.#buffer.length === 0 && !(await this.#fill())) throw truncated();
      const step = Math.min(left, this.#buffer.length);
      this.#buffer = this.#buffer.subarray(step);
      left -= step;
    }
  }

  async copyTo(handle: FileHandle, length: number): Promise<void> {
    let left = length;
    while (left > 0) {
      if (this.#buffer.length === 0 && !(await this.#fill())) throw truncated();
      const step = Math.min(left, this.#buffer.length);
      await handle.write(this.#buffer.subarray(0, step));
      this.#buffer = this.#buffer.subarray(step);
      left -= step;
    }
  }
}

function truncated(): RunctlError {
  return new RunctlError({ code: 'PROVIDER', retryable: true, message: 'The archive ended early (truncated download?).' });
}
