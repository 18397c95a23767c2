import { spawn as spawnProcess } from 'node:child_process';
import { copyFile, lstat, mkdir, open, readdir, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { RunctlError, abortError, throwIfAborted } from '@runctl/core';
import { collectProcess } from './collect-process.ts';
import type { ExecOptions, ExecProcess, ExecResult, FileInfo, TransferOptions, TransferResult, Transport } from './transport.ts';

const EMPTY = Buffer.alloc(0);

/**
 * The transport for this machine: child processes and the local file system.
 * Commands get argv arrays straight through `spawn`, with no shell in between.
 */
export function createLocalTransport(): Transport {
  return {
    description: 'local',

    exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
      return collectProcess(startProcess(argv, options), argv, options, 'local');
    },

    spawn: startProcess,

    async readFile(path, options = {}) {
      throwIfAborted(options.signal);
      const length = options.length ?? Number.MAX_SAFE_INTEGER;
      const handle = await open(path, 'r').catch((error: unknown) => {
        if (isMissing(error)) throw new RunctlError({ code: 'NOT_FOUND', message: `Nothing at ${path}.` });
        throw error;
      });
      try {
        const size = (await handle.stat()).size;
        const offset = options.offset ?? 0;
        const wanted = Math.max(0, Math.min(length, size - offset));
        const buffer = Buffer.allocUnsafe(wanted);
        let filled = 0;
        while (filled < wanted) {
          const { bytesRead } = await handle.read(buffer, filled, wanted - filled, offset + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return filled === wanted ? buffer : buffer.subarray(0, filled);
      } finally {
        await handle.close();
      }
    },

    async openReader(path, options = {}) {
      throwIfAborted(options.signal);
      const handle = await open(path, 'r').catch((error: unknown) => {
        if (isMissing(error)) throw new RunctlError({ code: 'NOT_FOUND', message: `Nothing at ${path}.` });
        throw error;
      });
      // One scratch buffer per reader: following a log allocates nothing per read.
      let scratch = Buffer.alloc(0);
      return {
        async read(offset, length) {
          if (scratch.length < length) scratch = Buffer.allocUnsafe(length);
          const { bytesRead } = await handle.read(scratch, 0, length, offset);
          return bytesRead === 0 ? EMPTY : scratch.subarray(0, bytesRead);
        },
        close: () => handle.close(),
      };
    },

    async stat(path, options = {}) {
      throwIfAborted(options.signal);
      try {
        return toFileInfo(await lstat(path));
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },

    async realpath(path, options = {}) {
      throwIfAborted(options.signal);
      try {
        return await realpath(path);
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },

    async writeFile(path, data, options = {}) {
      throwIfAborted(options.signal);
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.tmp-${process.pid}-${Date.now()}`;
      await writeFile(temporary, data, { mode: options.mode ?? 0o644 });
      await rename(temporary, path);
    },

    async upload(localPath, remotePath, options = {}) {
      return copyTree(localPath, remotePath, options);
    },

    async download(remotePath, localPath, options = {}) {
      return copyTree(remotePath, localPath, options);
    },

    async close() {},
  };
}

function startProcess(argv: readonly string[], options: ExecOptions = {}): ExecProcess {
  const [command, ...args] = argv;
  if (command === undefined) throw new RunctlError({ code: 'INVALID_INPUT', message: 'Cannot run an empty argv.' });
  const child = spawnProcess(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const exit = new Promise<number>((resolve, reject) => {
    child.once('error', (error) => reject(new RunctlError({ code: 'PROVIDER', message: `Could not run ${command}: ${error.message}`, cause: error })));
    child.once('close', (code, signal) => resolve(code ?? 128 + signalNumber(signal)));
  });
  if (options.stdin !== undefined) child.stdin.end(options.stdin);
  const onAbort = (): void => {
    child.kill('SIGTERM');
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  void exit.finally(() => options.signal?.removeEventListener('abort', onAbort)).catch(() => {});
  if (options.signal?.aborted) onAbort();
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exit,
    kill: () => {
      child.kill('SIGKILL');
    },
  };
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === null ? 0 : (constants.signals[signal] ?? 0);
}

/** Copies a file or folder; folders skip symlinks and honour the filter. */
async function copyTree(from: string, to: string, options: TransferOptions): Promise<TransferResult> {
  const result: TransferResult = { files: 0, bytes: 0 };
  const info = await lstat(from).catch((error: unknown) => {
    if (isMissing(error)) throw new RunctlError({ code: 'NOT_FOUND', message: `Nothing at ${from}.` });
    throw error;
  });
  if (info.isSymbolicLink()) throw new RunctlError({ code: 'INVALID_INPUT', message: `${from} is a symlink; refusing to follow it.` });
  if (info.isFile()) {
    await copyOne(from, to, info.size, result, options);
    return result;
  }
  const walk = async (relative: string): Promise<void> => {
    if (options.signal?.aborted) throw abortError(options.signal);
    const source = relative === '' ? from : join(from, relative);
    await mkdir(relative === '' ? to : join(to, relative), { recursive: true });
    for (const entry of await readdir(source, { withFileTypes: true })) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (options.filter?.(child, { isDirectory: true }) ?? true) await walk(child);
      } else if (entry.isFile()) {
        if (options.filter?.(child, { isDirectory: false }) ?? true) {
          await copyOne(join(from, child), join(to, child), (await stat(join(from, child))).size, result, options);
        }
      }
    }
  };
  await walk('');
  return result;
}

async function copyOne(from: string, to: string, size: number, result: TransferResult, options: TransferOptions): Promise<void> {
  throwIfAborted(options.signal);
  await mkdir(dirname(to), { recursive: true });
  await copyFile(from, to);
  result.files++;
  result.bytes += size;
  options.onProgress?.({ bytes: result.bytes });
}

function toFileInfo(info: Awaited<ReturnType<typeof lstat>>): FileInfo {
  const type = info.isFile() ? 'file' : info.isDirectory() ? 'directory' : info.isSymbolicLink() ? 'symlink' : 'other';
  return { type, size: Number(info.size), mtimeMs: Number(info.mtimeMs) };
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'ENOENT';
}
