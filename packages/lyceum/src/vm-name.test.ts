import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeVmName, encodeVmName, newVmNonce, tagsFromVmName } from './vm-name.ts';

describe('VM name markers', () => {
  it('round-trips nonce, times and a name with dashes and dots', () => {
    const createdAt = new Date('2026-11-26T10:00:00Z');
    const expiresAt = new Date('2026-11-26T13:00:00Z');
    const name = encodeVmName({ nonce: '5f0c2a9e1b', name: 'finetune-7b.v2', createdAt, expiresAt });
    expect(name).toMatch(/^runctl-5f0c2a9e1b-[0-9a-z]+-[0-9a-z]+-finetune-7b\.v2$/);
    expect(decodeVmName(name)).toEqual({ nonce: '5f0c2a9e1b', name: 'finetune-7b.v2', createdAt, expiresAt });
    expect(tagsFromVmName(name)).toEqual({
      'runctl:managed': 'true',
      'runctl:name': 'finetune-7b.v2',
      'runctl:created-at': createdAt.toISOString(),
      'runctl:expires-at': expiresAt.toISOString(),
    });
  });

  it('leaves out expires-at without a lifetime', () => {
    const name = encodeVmName({ nonce: newVmNonce(), name: 'a', createdAt: new Date('2026-01-01T00:00:00Z') });
    expect(decodeVmName(name)?.expiresAt).toBeUndefined();
    expect(tagsFromVmName(name)).not.toHaveProperty('runctl:expires-at');
  });

  it('does not claim names runctl did not write', () => {
    for (const other of [null, undefined, '', 'fake-production-vm-1234', 'runctl-xyz', 'runctl-5f0c2a9e1b-abc-0-', 'runctl-5F0C2A9E1B-a-0-name']) {
      expect(decodeVmName(other)).toBeUndefined();
      expect(tagsFromVmName(other)).toEqual({});
    }
  });

  it('round-trips any valid resource name', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/), fc.integer({ min: 0, max: 4_000_000_000 }), (name, seconds) => {
        const createdAt = new Date(seconds * 1000);
        expect(decodeVmName(encodeVmName({ nonce: newVmNonce(), name, createdAt }))).toMatchObject({ name, createdAt });
      }),
    );
  });
});
