import type { Transport } from '../transport.ts';

// Fixed script; the path arrives as "$1", never as code. OpenSSL first: it
// uses the CPU's SHA extensions, often 5-10x faster than coreutils' sha256sum.
const SHA256_SCRIPT =
  'if command -v openssl >/dev/null 2>&1 && openssl dgst -sha256 -r -- "$1" 2>/dev/null; then exit 0; fi; ' +
  'if command -v sha256sum >/dev/null 2>&1; then exec sha256sum -- "$1"; fi; ' +
  'if command -v shasum >/dev/null 2>&1; then exec shasum -a 256 -- "$1"; fi; ' +
  'exit 127';

/**
 * SHA-256 of a file, computed on the machine with `openssl dgst`,
 * `sha256sum` or `shasum -a 256`, whichever it has. `undefined` when it has
 * none of them (callers then fall back to comparing sizes).
 */
export async function remoteSha256(exec: Transport['exec'], path: string, signal?: AbortSignal): Promise<string | undefined> {
  const result = await exec(['sh', '-c', SHA256_SCRIPT, 'sh', path], signal ? { signal } : {});
  if (result.exitCode !== 0) return undefined;
  return /\b([0-9a-f]{64})\b/.exec(result.stdout.toString('latin1'))?.[1];
}
