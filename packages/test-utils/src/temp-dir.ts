import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder under the system temp dir, and a way to remove it. */
export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

/** Creates a temp folder named `runctl-<prefix>-XXXXXX`. */
export async function createTempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `runctl-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
