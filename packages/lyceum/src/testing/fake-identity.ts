/** Account the fake's key belongs to; the real API reports these on VM records. */
export const FAKE_USER_ID = '00000000-0000-4000-8000-00000000f001';
export const FAKE_ORG_ID = '00000000-0000-4000-8000-00000000f002';

/** ISO 8601 with microseconds, the precision Lyceum's timestamps carry. */
export function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}
