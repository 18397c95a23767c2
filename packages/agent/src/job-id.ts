import { randomBytes } from 'node:crypto';

/**
 * A new job id such as `20261126T105501Z-train-3fa9c2`. Ids sort by start
 * time, so the newest job is the greatest id; the random tail keeps two jobs
 * started in the same second apart.
 */
export function newJobId(name = 'job', now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  // Dots would clash with the cursor format; everything else unusual too.
  const safeName = name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40) || 'job';
  return `${stamp}-${safeName}-${randomBytes(3).toString('hex')}`;
}

/** True for strings `newJobId` could have made; guards paths built from ids. */
export function isJobId(value: string): boolean {
  return /^\d{8}T\d{6}Z-[A-Za-z0-9_-]{1,40}-[0-9a-f]{6}$/.test(value);
}
