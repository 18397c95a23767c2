import { RunctlError } from '@runctl/core';

/**
 * Parsers of the framed output the transport's scripts print (see
 * ssm-scripts.ts). A missing header means the script itself failed; the
 * error then quotes stderr.
 */

export interface ExecFrame {
  exitCode: number;
  stdoutSize: number;
  stderrSize: number;
  /** The request folder on the machine, holding `out` and `err` in full. */
  folder: string;
  stdoutHead: Buffer;
  stderrHead: Buffer;
}

export interface ReadFrame {
  kind: 'ok' | 'missing' | 'notfile';
  /** File size when read. */
  size: number;
  data: Buffer;
}

export interface StatFrame {
  type: 'file' | 'directory' | 'symlink' | 'other' | 'missing';
  size: number;
  mtimeMs: number;
}

export interface PushFrame {
  kind: 'file' | 'tree' | 'missing';
  size: number;
  sha256: string;
}

/** Splits the output into lines and finds the header line of `tag`. */
function linesAfter(stdout: string, tag: string, stderr: string, provider?: string): { header: string[]; rest: string[] } {
  const lines = stdout.split('\n');
  const index = lines.findIndex((line) => line.startsWith(`${tag} `) || line === tag);
  if (index < 0) {
    throw new RunctlError({ code: 'PROVIDER', provider, retryable: true, message: `A runctl command failed on the instance: ${(stderr || stdout).trim().slice(0, 500) || 'no output'}` });
  }
  return { header: (lines[index] as string).split(' ').slice(1), rest: lines.slice(index + 1) };
}

const b64 = (text: string | undefined): Buffer => Buffer.from(text ?? '', 'base64');
const text64 = (text: string | undefined): string => b64(text).toString('utf8');

export function parseExecFrame(stdout: string, stderr: string, provider?: string): ExecFrame {
  const { header, rest } = linesAfter(stdout, 'RUNCTL-EXEC', stderr, provider);
  return {
    exitCode: Number(header[0]),
    stdoutSize: Number(header[1]),
    stderrSize: Number(header[2]),
    folder: text64(header[3]),
    stdoutHead: b64(rest[0]),
    stderrHead: b64(rest[1]),
  };
}

/** Every read frame in the output, in order (the stat script appends its read-ahead). */
export function parseReadFrames(stdout: string): ReadFrame[] {
  const lines = stdout.split('\n');
  const frames: ReadFrame[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (!line.startsWith('RUNCTL-READ ')) continue;
    const [, kind, size] = line.split(' ');
    frames.push({ kind: kind === 'ok' ? 'ok' : kind === 'notfile' ? 'notfile' : 'missing', size: Number(size ?? 0), data: b64(lines[index + 1]) });
    index++;
  }
  return frames;
}

export function parseStatFrame(stdout: string, stderr: string, provider?: string): StatFrame {
  const { header } = linesAfter(stdout, 'RUNCTL-STAT', stderr, provider);
  const type = header[0] as StatFrame['type'];
  return { type, size: Number(header[1] ?? 0), mtimeMs: Number(header[2] ?? 0) * 1000 };
}

export function parseRealpathFrame(stdout: string, stderr: string, provider?: string): string | undefined {
  const { header } = linesAfter(stdout, 'RUNCTL-REALPATH', stderr, provider);
  return header[0] === 'ok' ? text64(header[1]) : undefined;
}

export function parseProbeFrame(stdout: string, stderr: string, provider?: string): { home: string } {
  const { header } = linesAfter(stdout, 'RUNCTL-PROBE', stderr, provider);
  return { home: text64(header[0]) };
}

export function parsePushFrame(stdout: string, stderr: string, provider?: string): PushFrame {
  const { header } = linesAfter(stdout, 'RUNCTL-PUSH', stderr, provider);
  if (header[0] === 'missing') return { kind: 'missing', size: 0, sha256: '' };
  return { kind: header[0] === 'tree' ? 'tree' : 'file', size: Number(header[1]), sha256: header[2] ?? '' };
}

/** Checks that a write/fetch script reported success. */
export function expectOk(stdout: string, tag: 'RUNCTL-WRITE' | 'RUNCTL-FETCH', stderr: string, provider?: string): void {
  linesAfter(stdout, tag, stderr, provider);
}
