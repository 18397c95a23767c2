import { readdirSync, readFileSync } from 'node:fs';

/**
 * Pids of every live descendant of `pid` (Linux /proc), children first.
 * Synchronous on purpose: a test kills sshd while a download keeps the
 * thread pool busy, and the kill must not queue behind those writes.
 */
export function descendantPids(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Field 4 is the parent pid; the command name (field 2) may hold spaces, so cut after its ')'.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isFinite(parent)) continue;
    const children = parents.get(parent) ?? [];
    children.push(Number(entry));
    parents.set(parent, children);
  }
  const result: number[] = [];
  const visit = (current: number): void => {
    for (const child of parents.get(current) ?? []) {
      result.push(child);
      visit(child);
    }
  };
  visit(pid);
  return result;
}

/** Sends `signal` to a process, ignoring one that is already gone. */
export function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already exited.
  }
}
