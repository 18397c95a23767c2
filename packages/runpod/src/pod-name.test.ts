import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPodName, newLaunchId, parsePodName } from './pod-name.ts';

describe('pod names', () => {
  it('formats the documented shape', () => {
    expect(formatPodName({ name: 'bert', launchId: 'k3j9x2m1pq', expiresAt: new Date('2026-11-26T14:00:00.250Z') })).toBe('runctl-k3j9x2m1pq-20261126T140000Z-bert');
    expect(formatPodName({ name: 'a.b_c-d', launchId: 'k3j9x2m1pq' })).toBe('runctl-k3j9x2m1pq-noexp-a.b_c-d');
  });

  it('round-trips every valid resource name, with and without expiry', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/), fc.option(fc.integer({ min: 0, max: 4_000_000_000 })), (name, seconds) => {
        const launchId = newLaunchId();
        const expiresAt = seconds === null ? undefined : new Date(seconds * 1000);
        expect(parsePodName(formatPodName({ name, launchId, expiresAt }))).toEqual({ name, launchId, ...(expiresAt ? { expiresAt } : {}) });
      }),
    );
  });

  it('ignores pods runctl did not name', () => {
    for (const name of ['my pod', 'runctl-short-noexp-x', 'runctl-k3j9x2m1pq-2026-x', 'runctl-k3j9x2m1pq-noexp-']) expect(parsePodName(name)).toBeUndefined();
  });

  it('makes launch ids unique enough to find one create among many', () => {
    const ids = new Set(Array.from({ length: 10_000 }, newLaunchId));
    expect(ids.size).toBe(10_000);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{10}$/);
  });
});
