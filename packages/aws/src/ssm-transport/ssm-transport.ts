import { createHash, randomBytes } from 'node:crypto';
import { rm, writeFile as writeLocalFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { ExecOptions, ExecProcess, ExecResult, FileInfo, Transport } from '@runctl/agent';
import { RunctlError, redactSecrets } from '@runctl/core';
import { runSsmCommand, type SsmCommandContext, type SsmCommandOptions, type SsmCommandResult } from './ssm-command.ts';
import { parseExecFrame, parseReadFrames, parseRealpathFrame, parseStatFrame, expectOk, type ReadFrame } from './ssm-frames.ts';
import { ReadAhead } from './read-ahead.ts';
import { scriptCommand } from './ssm-scripts.ts';
import { SsmTransfers, type S3Staging } from './ssm-transfer.ts';

/**
 * Bytes per read command: at most 20,000, and their base64 (4/3 larger)
 * plus the frame header must stay under GetCommandInvocation's
 * 24,000-character cut of stdout. 16 KiB → 21,848 characters.
 */
export const READ_CHUNK = 16 * 1024;
/** Heads of exec output returned inline; the rest is read from the request folder. */
const EXEC_OUT = 15_000;
const EXEC_ERR = 2_000;
/** Read-ahead bytes a stat command may carry, over all files. */
const READ_AHEAD_BUDGET = 15_000;
/** Chunks read side by side when a read spans several commands. */
const READ_CONCURRENCY = 4;
/**
 * Bytes of a write (or of exec's stdin) per command, base64 in its parameters.
 * Kept small: SSM documents no size limit for parameters that we could rely on.
 */
const WRITE_PART = 8 * 1024;
/** Inline writes above this go through S3 (when a bucket is set): fewer round trips. */
const INLINE_WRITE_LIMIT = 8 * WRITE_PART;

/** Settings of {@link createSsmTransport}. */
export interface SsmTransportOptions extends SsmCommandContext {
  /** S3 staging for files and folders; without it only small writes work. */
  staging?: S3Staging | undefined;
}

/**
 * The agent's {@link Transport} over AWS Systems Manager Run Command: no
 * open port, no SSH key. Each operation is one `SendCommand`
 * (AWS-RunShellScript) of a fixed script whose arguments are quoted by
 * `quoteArgv`, then `GetCommandInvocation` polls.
 *
 * - Reads are offset reads of at most 16 KiB per command, base64-framed so
 *   they are binary-safe and fit the 24,000-character output cut; longer
 *   reads run a few commands side by side. A stat also reads ahead the
 *   files followed recently, so following a log costs about one command
 *   per poll.
 * - `exec` runs argv once per request even if SSM delivers it twice, and
 *   returns output of any length.
 * - Small writes travel base64 in the command; large ones, and any write
 *   holding a registered secret (SSM keeps command parameters in its
 *   history), go through S3. Folders go through S3 as .tar.gz.
 */
export function createSsmTransport(options: SsmTransportOptions): Transport {
  const { provider, instanceId } = options;
  const readAhead = new ReadAhead();
  const transfers = new SsmTransfers(options, options.staging);

  const run = async (command: string, callOptions: SsmCommandOptions = {}): Promise<SsmCommandResult> => {
    const token = readAhead.begin();
    try {
      return await runSsmCommand(options, command, callOptions);
    } finally {
      readAhead.end(token);
    }
  };

  const readChunks = async (path: string, offset: number, length: number, signal?: AbortSignal): Promise<ReadFrame> => {
    const result = await run(scriptCommand('read', [path, String(offset), String(Math.min(length, READ_CHUNK))]), { signal });
    const [first] = parseReadFrames(result.stdout);
    if (first === undefined) throw frameError(result, provider);
    if (first.kind !== 'ok') return first;
    const wanted = Math.max(0, Math.min(length, first.size - offset));
    if (first.data.length >= wanted) return first;
    // The rest of what existed at the first read, a few commands at a time.
    const starts: number[] = [];
    for (let start = offset + first.data.length; start < offset + wanted; start += READ_CHUNK) starts.push(start);
    const pieces: Buffer[] = new Array(starts.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let index = next++; index < starts.length; index = next++) {
        const start = starts[index] as number;
        const chunk = await run(scriptCommand('read', [path, String(start), String(Math.min(READ_CHUNK, offset + wanted - start))]), { signal });
        pieces[index] = parseReadFrames(chunk.stdout)[0]?.data ?? Buffer.alloc(0);
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, starts.length) }, worker));
    return { ...first, data: Buffer.concat([first.data, ...pieces]) };
  };

  const readFile: Transport['readFile'] = async (path, readOptions = {}) => {
    const offset = readOptions.offset ?? 0;
    const length = readOptions.length ?? Number.MAX_SAFE_INTEGER;
    const frame = readAhead.take(path, offset, length) ?? (await readChunks(path, offset, length, readOptions.signal));
    if (frame.kind === 'missing') throw new RunctlError({ code: 'NOT_FOUND', provider, message: `Nothing at ${path} on ${instanceId}.` });
    if (frame.kind === 'notfile') throw new RunctlError({ code: 'INVALID_INPUT', provider, message: `${path} on ${instanceId} is not a file.` });
    readAhead.noteRead(path, offset, frame.data.length);
    return frame.data;
  };

  const exec = async (argv: readonly string[], execOptions: ExecOptions = {}): Promise<ExecResult> => {
    const stdin = execOptions.stdin === undefined ? Buffer.alloc(0) : Buffer.from(execOptions.stdin);
    if (stdin.length > WRITE_PART) throw new RunctlError({ code: 'UNSUPPORTED', provider, message: `exec over SSM takes at most ${WRITE_PART} bytes of stdin.` });
    const requestId = randomBytes(12).toString('hex');
    const command = scriptCommand('exec', [requestId, stdin.toString('base64'), ...argv], { EXEC_OUT: String(EXEC_OUT), EXEC_ERR: String(EXEC_ERR) });
    const result = await run(command, { signal: execOptions.signal, timeoutMs: execOptions.timeout });
    const frame = parseExecFrame(result.stdout, result.stderr, provider);
    const rest = async (name: 'out' | 'err', head: Buffer, size: number): Promise<Buffer> =>
      size <= head.length ? head : Buffer.concat([head, await readFile(`${frame.folder}/${name}`, { offset: head.length, length: size - head.length, ...signalOf(execOptions) })]);
    return {
      exitCode: frame.exitCode,
      stdout: await rest('out', frame.stdoutHead, frame.stdoutSize),
      stderr: await rest('err', frame.stderrHead, frame.stderrSize),
    };
  };

  return {
    description: `ssm ${instanceId}`,

    exec,

    spawn(argv, spawnOptions = {}): ExecProcess {
      // Run Command cannot stream: the process runs to completion, then its output flows.
      const controller = new AbortController();
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const signal = spawnOptions.signal === undefined ? controller.signal : AbortSignal.any([controller.signal, spawnOptions.signal]);
      const exit = exec(argv, { ...spawnOptions, signal }).then((result) => {
        stdout.end(result.stdout);
        stderr.end(result.stderr);
        return result.exitCode;
      });
      exit.catch(() => {
        stdout.end();
        stderr.end();
      });
      return { stdin: new Writable({ write: (_chunk, _encoding, done) => done() }), stdout, stderr, exit, kill: () => controller.abort() };
    },

    readFile,

    async stat(path, statOptions = {}): Promise<FileInfo | undefined> {
      const ahead = readAhead.plan(READ_AHEAD_BUDGET).filter((entry) => entry.path !== path);
      const token = readAhead.begin();
      let captures: Array<{ path: string; offset: number; frame: ReadFrame }> = [];
      try {
        const args = [path, ...ahead.flatMap((entry) => [entry.path, String(entry.offset), String(entry.length)])];
        const result = await runSsmCommand(options, scriptCommand('stat', args), signalOf(statOptions));
        const info = parseStatFrame(result.stdout, result.stderr, provider);
        const frames = parseReadFrames(result.stdout);
        if (frames.length === ahead.length) captures = ahead.map((entry, index) => ({ path: entry.path, offset: entry.offset, frame: frames[index] as ReadFrame }));
        return info.type === 'missing' ? undefined : { type: info.type, size: info.size, mtimeMs: info.mtimeMs };
      } finally {
        readAhead.end(token, captures);
      }
    },

    async realpath(path, realpathOptions = {}) {
      const result = await run(scriptCommand('realpath', [path]), signalOf(realpathOptions));
      return parseRealpathFrame(result.stdout, result.stderr, provider);
    },

    async writeFile(path, data, writeOptions = {}) {
      const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      const mode = writeOptions.mode ?? 0o644;
      const text = bytes.toString('utf8');
      const secret = redactSecrets(text) !== text;
      if (secret || (bytes.length > INLINE_WRITE_LIMIT && transfers.available)) {
        if (secret && !transfers.available) {
          throw new RunctlError({
            code: 'UNSUPPORTED',
            provider,
            message: 'Job secrets reach an instance over SSM through S3 (never inside an SSM command, which SSM keeps in its history), so they need settings.bucket.',
            hint: 'Pass createAws({ bucket }), or use transport: "ssh".',
          });
        }
        const local = join(tmpdir(), `runctl-write-${randomBytes(8).toString('hex')}`);
        try {
          await writeLocalFile(local, bytes, { mode: 0o600 });
          await transfers.writeFile(path, local, createHash('sha256').update(bytes).digest('hex'), mode, writeOptions.signal);
        } finally {
          await rm(local, { force: true });
        }
        return;
      }
      const count = Math.max(1, Math.ceil(bytes.length / WRITE_PART));
      for (let index = 0; index < count; index++) {
        const part = bytes.subarray(index * WRITE_PART, (index + 1) * WRITE_PART).toString('base64');
        const result = await run(scriptCommand('write', [path, mode.toString(8), String(index), String(count), part]), signalOf(writeOptions));
        expectOk(result.stdout, 'RUNCTL-WRITE', result.stderr, provider);
      }
    },

    upload: (localPath, remotePath, transferOptions) => transfers.upload(localPath, remotePath, transferOptions),

    download: (remotePath, localPath, transferOptions) => transfers.download(remotePath, localPath, transferOptions),

    async close() {},
  };
}

function signalOf(options: { signal?: AbortSignal | undefined }): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}

function frameError(result: SsmCommandResult, provider: string): RunctlError {
  return new RunctlError({ code: 'PROVIDER', provider, retryable: true, message: `A runctl read failed on the instance: ${(result.stderr || result.stdout).trim().slice(0, 500) || 'no output'}` });
}
