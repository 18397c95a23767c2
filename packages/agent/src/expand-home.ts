import { homedir } from 'node:os';
import { join } from 'node:path';

/** `~` and `~/…` as the current user's home; every other path unchanged. */
export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}
