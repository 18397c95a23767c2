import { spawn } from 'node:child_process';

/** A shell script running in an instance sandbox, as its own process group. */
export interface ShellRun {
  readonly pid: number | undefined;
  /** Resolves when the shell exits (never rejects). */
  readonly done: Promise<ShellExit>;
  stdout(): string;
  stderr(): string;
  /** SIGKILLs the whole process group (the shell and what it started). */
  kill(): void;
}

export interface ShellExit {
  /** Exit status; 128+N when killed by signal N (as `sh` reports it). */
  exitCode: number;
  /** Set when the process could not be started. */
  spawnError?: string;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
/** Keep at most this much of each stream in memory; SSM only reports the head anyway. */
const CAPTURE_LIMIT = 4 * 1024 * 1024;

export function runShell(options: {
  shell: string;
  script: string;
  cwd: string;
  env: Record<string, string>;
}): ShellRun {
  const child = spawn(options.shell, ['-c', options.script], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = collector();
  const err = collector();
  child.stdout.on('data', out.push);
  child.stderr.on('data', err.push);
  const done = new Promise<ShellExit>((resolve) => {
    child.once('error', (e) => resolve({ exitCode: -1, spawnError: e.message }));
    child.once('close', (code, signal) => {
      resolve({ exitCode: code ?? 128 + (signal ? SIGNAL_NUMBERS[signal] ?? 1 : 1) });
    });
  });
  return {
    pid: child.pid,
    done,
    stdout: out.text,
    stderr: err.text,
    kill() {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

function collector(): { push: (chunk: Buffer) => void; text: () => string } {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk) {
      if (size >= CAPTURE_LIMIT) return;
      const part = chunk.subarray(0, CAPTURE_LIMIT - size);
      chunks.push(part);
      size += part.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}
