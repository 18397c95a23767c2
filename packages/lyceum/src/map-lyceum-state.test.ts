import { describe, expect, it } from 'vitest';
import { mapRunState, mapVmState } from './map-lyceum-state.ts';

// Every spelling Lyceum's docs, CLI and third-party clients use.
const SPELLINGS = ['pending', 'queued', 'starting', 'running', 'ready', 'completed', 'failed', 'failed_user', 'failed_system', 'system_failure', 'timeout', 'cancelled', 'aborted', 'stopped', 'terminated', 'error'];

describe('mapVmState', () => {
  it.each([
    ['pending', 'starting'], ['queued', 'starting'], ['starting', 'starting'], ['provisioning', 'starting'],
    ['running', 'running'], ['ready', 'running'],
    ['completed', 'terminated'], ['cancelled', 'terminated'], ['aborted', 'terminated'], ['terminated', 'terminated'],
    ['stopped', 'stopped'],
    ['failed', 'error'], ['failed_user', 'error'], ['failed_system', 'error'], ['system_failure', 'error'], ['timeout', 'error'], ['error', 'error'],
    ['READY', 'running'], ['something-new', 'unknown'],
  ] as const)('%s → %s', (raw, state) => {
    expect(mapVmState(raw)).toBe(state);
  });

  it('knows every spelling', () => {
    for (const raw of SPELLINGS) expect(mapVmState(raw)).not.toBe('unknown');
  });
});

describe('mapRunState', () => {
  it.each([
    ['pending', 'queued', undefined], ['queued', 'queued', undefined], ['starting', 'queued', undefined],
    ['running', 'running', undefined], ['ready', 'running', undefined],
    ['completed', 'succeeded', 'completed'],
    ['failed', 'failed', 'completed'], ['failed_user', 'failed', 'completed'],
    ['failed_system', 'failed', 'error'], ['system_failure', 'failed', 'error'], ['error', 'failed', 'error'],
    ['timeout', 'failed', 'max-runtime'],
    ['cancelled', 'cancelled', 'cancelled'], ['aborted', 'cancelled', 'cancelled'], ['stopped', 'cancelled', 'cancelled'], ['terminated', 'cancelled', 'cancelled'],
    ['Completed', 'succeeded', 'completed'], ['weird', 'unknown', undefined],
  ] as const)('%s → %s (%s)', (raw, state, reason) => {
    const info = mapRunState(raw);
    expect(info.state).toBe(state);
    expect(info.reason).toBe(reason);
    expect(info.finished).toBe(reason !== undefined);
  });

  it('knows every spelling', () => {
    for (const raw of SPELLINGS) expect(mapRunState(raw).state).not.toBe('unknown');
  });
});
