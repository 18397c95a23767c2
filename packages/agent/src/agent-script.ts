import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

let cached: Promise<{ text: string; version: string }> | undefined;

/**
 * The supervisor script shipped in this package, and a short content hash.
 * Installed copies are named by the hash, so two runctl versions on one
 * machine never overwrite each other's agent. Read lazily: importing the
 * package does no I/O.
 */
export function agentScript(): Promise<{ text: string; version: string }> {
  cached ??= readFile(new URL('../assets/agent.sh', import.meta.url), 'utf8').then((text) => ({
    text,
    version: createHash('sha256').update(text).digest('hex').slice(0, 12),
  }));
  return cached;
}
