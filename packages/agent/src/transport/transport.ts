import type { Readable, Writable } from 'node:stream';

/** Options of {@link Transport.exec} and {@link Transport.spawn}. */
export interface ExecOptions {
  signal?: AbortSignal;
  /** Bytes written to the command's stdin, then closed. */
  stdin?: string | Uint8Array;
  /** Give up after this many ms with a `TIMEOUT` error. */
  timeout?: number;
}

/** The outcome of a finished command. */
export interface ExecResult {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
}

/** A command still running, for streaming its output. */
export interface ExecProcess {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Resolves with the exit code (128+N when killed by signal N). */
  exit: Promise<number>;
  kill(): void;
}

/** What a path is, as `stat` sees it (without following a final symlink). */
export interface FileInfo {
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  mtimeMs: number;
}

/** An open file for repeated reads at offsets (log following reads the same files many times). */
export interface FileReader {
  /**
   * Up to `length` bytes from `offset`; fewer at the end, empty past it. The
   * returned buffer may be reused by the next read, so consume it first.
   */
  read(offset: number, length: number, signal?: AbortSignal): Promise<Buffer>;
  close(): Promise<void>;
}

/** Options of {@link Transport.upload} and {@link Transport.download}. */
export interface TransferOptions {
  signal?: AbortSignal;
  /** Folder transfers only: keep an entry (path relative to the folder root, `/`-separated). */
  filter?: (relativePath: string, info: { isDirectory: boolean }) => boolean;
  /** Called as bytes move. */
  onProgress?: (progress: { bytes: number; totalBytes?: number }) => void;
}

/** What a transfer moved. */
export interface TransferResult {
  files: number;
  bytes: number;
}

/**
 * A shell and a file system on one machine. The job protocol runs entirely
 * through this interface, so it behaves the same on this machine, over SSH
 * and over AWS SSM. Paths are absolute paths on the machine.
 *
 * Arguments always travel as argv arrays. A transport that needs a command
 * line quotes them with {@link quoteArgv} and nothing else.
 */
export interface Transport {
  /** Where commands run, for messages: `local`, `ssh root@1.2.3.4:22`. */
  readonly description: string;
  /**
   * How many bytes a log reader should ask for at once. Remote transports
   * want large reads (every round costs a round trip); local reads stay small
   * so that following many busy logs keeps memory low. Default 8 KiB.
   */
  readonly preferredReadBytes?: number;
  /** Runs a command to completion and collects its output. */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Starts a command and streams its output. */
  spawn(argv: readonly string[], options?: ExecOptions): ExecProcess;
  /** Up to `length` bytes from `offset` (fewer at the end; empty past it). */
  readFile(path: string, options?: { offset?: number; length?: number; signal?: AbortSignal }): Promise<Buffer>;
  /**
   * Opens a file for repeated reads; a `NOT_FOUND` error when it does not
   * exist. Optional: without it, callers use {@link Transport.readFile}.
   */
  openReader?(path: string, options?: { signal?: AbortSignal }): Promise<FileReader>;
  /** `undefined` when nothing is there. */
  stat(path: string, options?: { signal?: AbortSignal }): Promise<FileInfo | undefined>;
  /** Canonical absolute path with every symlink resolved, or `undefined` when it does not exist. */
  realpath(path: string, options?: { signal?: AbortSignal }): Promise<string | undefined>;
  /** Creates or replaces a file (and its parent folders), atomically where the transport can. */
  writeFile(path: string, data: string | Uint8Array, options?: { mode?: number; signal?: AbortSignal }): Promise<void>;
  /** Copies a local file or folder to the machine. */
  upload(localPath: string, remotePath: string, options?: TransferOptions): Promise<TransferResult>;
  /**
   * Copies a file or folder from the machine. Symlinks inside folders are
   * skipped, never followed. An interrupted file download resumes from the
   * partial file where the transport can.
   */
  download(remotePath: string, localPath: string, options?: TransferOptions): Promise<TransferResult>;
  /** Releases connections. The transport may reconnect if used again. */
  close(): Promise<void>;
}
