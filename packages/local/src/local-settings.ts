import type { Duration } from '@runctl/core';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Settings of {@link createLocal}. */
export interface LocalProviderSettings {
  /** Folder holding one workspace per resource (default `~/.runctl/local`). */
  root?: string;
  /** Registry name (default `local`). */
  name?: string;
  /** Time a job gets between SIGTERM and SIGKILL on cancel or maxRuntime (default `'10s'`). */
  killGrace?: Duration;
}

/** `~/.runctl/local`, or `$RUNCTL_LOCAL_ROOT` when set. */
export function defaultLocalRoot(): string {
  return process.env.RUNCTL_LOCAL_ROOT ?? join(homedir(), '.runctl', 'local');
}
