import { readdirSync, readFileSync } from 'node:fs';

/** Environment variable that tags every process started on a fake instance. */
export const INSTANCE_MARKER_ENV = 'RUNCTL_FAKE_AWS_INSTANCE';

/**
 * Kills every process whose instance marker starts with `markerPrefix`, so
 * daemons that escaped their process group (setsid, nohup) also die when the
 * instance stops, as they would on a real machine. Linux only (/proc).
 */
export function killMarkedProcesses(markerPrefix: string): number {
  const needle = `${INSTANCE_MARKER_ENV}=${markerPrefix}`;
  let killed = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^[0-9]+$/.test(name));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (env.some((entry) => entry.startsWith(needle))) {
        process.kill(Number(pid), 'SIGKILL');
        killed += 1;
      }
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return killed;
}
