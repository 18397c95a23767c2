import { describe, expect, it } from 'vitest';
import { mapRunpodState } from './map-runpod-state.ts';

describe('mapRunpodState', () => {
  it.each([
    ['PROVISIONING', 'starting'],
    ['STARTING', 'starting'],
    ['RUNNING', 'running'],
    ['EXITED', 'stopped'],
    ['ERROR', 'error'],
    ['TERMINATED', 'terminated'],
    ['running', 'running'],
    ['MIGRATING', 'unknown'],
  ] as const)('maps %s to %s', (raw, state) => {
    expect(mapRunpodState(raw)).toBe(state);
  });
});
