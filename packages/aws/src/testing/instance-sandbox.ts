import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder that stands in for an instance's disk. Commands sent by SSM run
 * here (cwd and HOME). `.fakeaws/bin` comes first on PATH and holds shims:
 * `shutdown`/`poweroff`/`halt` only record the request (the fake EC2 acts on
 * it), and `sudo` just runs its command so PATH stays on the shims.
 * The sandbox is not a security boundary: commands run as the test's user.
 */
export interface SandboxPaths {
  root: string;
  bin: string;
  imds: string;
  tmp: string;
  shutdownRequests: string;
}

export function sandboxPaths(root: string): SandboxPaths {
  return {
    root,
    bin: join(root, '.fakeaws', 'bin'),
    imds: join(root, '.imds'),
    tmp: join(root, 'tmp'),
    shutdownRequests: join(root, '.fakeaws', 'shutdown-requests'),
  };
}

export function createSandbox(root: string): SandboxPaths {
  const paths = sandboxPaths(root);
  for (const dir of [paths.bin, paths.imds, paths.tmp]) mkdirSync(dir, { recursive: true });
  const record = [
    '#!/bin/sh',
    '# runctl fake AWS: records the shutdown request; the fake EC2 performs it.',
    `printf '%s\\t%s\\t%s\\n' "$(date +%s%3N)" "$(basename "$0")" "$*" >> '${paths.shutdownRequests}'`,
    'echo "Shutdown scheduled (fake EC2)" >&2',
    '',
  ].join('\n');
  for (const name of ['shutdown', 'poweroff', 'halt']) writeExecutable(join(paths.bin, name), record);
  writeExecutable(
    join(paths.bin, 'sudo'),
    [
      '#!/bin/sh',
      '# runctl fake AWS: commands already run as the sandbox user; keep the sandbox PATH.',
      'while [ $# -gt 0 ]; do',
      '  case "$1" in',
      '    -u|-g|-C|-D|-h|-p|-r|-t|-T|-U) shift 2 ;;',
      '    --) shift; break ;;',
      '    -*) shift ;;',
      '    *) break ;;',
      '  esac',
      'done',
      'exec "$@"',
      '',
    ].join('\n'),
  );
  return paths;
}

function writeExecutable(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

export function writeSandboxFile(path: string, text: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
}

export function appendSandboxFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, text);
}

/** What a recorded `shutdown`/`poweroff`/`halt` call asks for. */
export type ShutdownRequest =
  | { kind: 'cancel'; at: number }
  | { kind: 'poweroff' | 'reboot'; at: number; delayMinutes: number };

/** Reads request lines after `fromLine`; returns them and the new line count. */
export function readShutdownRequests(
  paths: SandboxPaths,
  fromLine: number,
  fallbackTime: number,
): { requests: ShutdownRequest[]; lines: number } {
  if (!existsSync(paths.shutdownRequests)) return { requests: [], lines: fromLine };
  const lines = readFileSync(paths.shutdownRequests, 'utf8').split('\n').filter((l) => l.length > 0);
  const requests: ShutdownRequest[] = [];
  for (const line of lines.slice(fromLine)) {
    const [time = '', command = 'shutdown', args = ''] = line.split('\t');
    const at = /^[0-9]{13}$/.test(time) ? Number(time) : fallbackTime;
    const request = parseShutdownCommand(command, args.split(/\s+/).filter(Boolean), at);
    if (request) requests.push(request);
  }
  return { requests, lines: lines.length };
}

/** Understands the systemd forms: `-h now`, `-P +5`, `-r`, `-c`, `hh:mm`; no time means +1. */
export function parseShutdownCommand(command: string, args: string[], at: number): ShutdownRequest | undefined {
  if (command === 'poweroff' || command === 'halt') {
    return { kind: 'poweroff', at, delayMinutes: 0 };
  }
  let kind: 'poweroff' | 'reboot' = 'poweroff';
  let when: string | undefined;
  for (const arg of args) {
    if (arg === '-c') return { kind: 'cancel', at };
    if (arg === '-r' || arg === '--reboot') kind = 'reboot';
    else if (!arg.startsWith('-') && when === undefined) when = arg;
  }
  const delayMinutes = parseShutdownTime(when ?? '+1', at);
  return delayMinutes === undefined ? undefined : { kind, at, delayMinutes };
}

function parseShutdownTime(when: string, at: number): number | undefined {
  if (when === 'now') return 0;
  const plus = /^\+?([0-9]+)$/.exec(when);
  if (plus?.[1] !== undefined) return Number(plus[1]);
  const clock = /^([0-9]{1,2}):([0-9]{2})$/.exec(when);
  if (clock?.[1] !== undefined && clock[2] !== undefined) {
    const target = new Date(at);
    target.setHours(Number(clock[1]), Number(clock[2]), 0, 0);
    if (target.getTime() <= at) target.setDate(target.getDate() + 1);
    return Math.ceil((target.getTime() - at) / 60_000);
  }
  return undefined;
}
