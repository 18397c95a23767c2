import { RunctlError, abortError } from '@runctl/core';
import type { ExecOptions, ExecProcess, ExecResult } from './transport.ts';

/** Waits for a process and gathers its output, honouring `signal` and `timeout`. */
export async function collectProcess(process: ExecProcess, argv: readonly string[], options: ExecOptions, where: string): Promise<ExecResult> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  process.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  process.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    if (options.timeout !== undefined) {
      timer = setTimeout(() => {
        process.kill();
        reject(new RunctlError({ code: 'TIMEOUT', message: `${argv[0] ?? 'command'} on ${where} did not finish within ${options.timeout}ms.` }));
      }, options.timeout);
    }
    if (options.signal !== undefined) {
      const signal = options.signal;
      onAbort = () => {
        process.kill();
        reject(abortError(signal));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    const exitCode = await Promise.race([process.exit, stopped]);
    // 'close' fires after the streams end, so the buffers are complete here.
    return { exitCode, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) };
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) options.signal?.removeEventListener('abort', onAbort);
  }
}
