import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI's entry, run from source. */
export const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));

/** What one run of the binary printed, and how it exited. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `runctl` binary from source as a subprocess. Asynchronous on
 * purpose: a synchronous spawn would block fake clouds served by the test
 * process. `onStdout` sees all output so far after each chunk.
 */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, onStdout?: (stdout: string) => void): Promise<CliRun> {
  const child = spawn(process.execPath, ['--conditions=@runctl/source', CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    onStdout?.(stdout);
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Runs `runctl <args> --json` and parses its output; throws with stderr on a non-zero exit. */
export async function runCliJson<T>(args: readonly string[], env: NodeJS.ProcessEnv): Promise<T> {
  const run = await runCli([...args, '--json'], env);
  if (run.status !== 0) throw new Error(`runctl ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
