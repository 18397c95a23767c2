import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeState } from './normalize-state.ts';
import { RESOURCE_STATES } from './resource-state.ts';

describe('normalizeState', () => {
  it.each([
    ['running', 'running'], ['active', 'running'], ['ready', 'running'],
    ['pending', 'starting'], ['starting', 'starting'], ['initializing', 'starting'], ['provisioning', 'starting'],
    ['stopping', 'stopped'], ['stopped', 'stopped'],
    ['terminating', 'terminating'], ['shutting-down', 'terminating'],
    ['terminated', 'terminated'],
    ['error', 'error'], ['boot_failed', 'error'], ['ErrorState', 'error'], ['FAILED_SYSTEM', 'error'],
    ['weird', 'unknown'], ['', 'unknown'], ['__proto__', 'unknown'], ['constructor', 'unknown'], ['toString', 'unknown'],
  ] as const)('maps %j to %s', (raw, state) => {
    expect(normalizeState(raw)).toBe(state);
  });

  it('applies the provider map first, case-insensitively', () => {
    expect(normalizeState('EXITED', { EXITED: 'stopped' })).toBe('stopped');
    expect(normalizeState('exited', { EXITED: 'stopped' })).toBe('stopped');
    expect(normalizeState('RUNNING', { running: 'starting' })).toBe('starting');
    expect(normalizeState('EXITED')).toBe('unknown');
  });

  it('ignores case and surrounding whitespace for every table entry', () => {
    const table = ['running', 'active', 'ready', 'pending', 'starting', 'initializing', 'provisioning', 'stopping', 'stopped', 'terminating', 'shutting-down', 'terminated'];
    fc.assert(
      fc.property(fc.constantFrom(...table), fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }), fc.constantFrom('', ' ', '\t'), (raw, upper, pad) => {
        const mixed = [...raw].map((char, index) => (upper[index] ? char.toUpperCase() : char)).join('');
        expect(normalizeState(`${pad}${mixed}${pad}`)).toBe(normalizeState(raw));
      }),
    );
  });

  it('always returns one of the seven states, and error for anything mentioning failure', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (prefix, suffix) => {
        expect(RESOURCE_STATES).toContain(normalizeState(prefix + suffix));
        // No table key contains 'failed', so the fallback rule decides.
        expect(normalizeState(`${prefix}failed${suffix}`)).toBe('error');
      }),
    );
  });
});
