import { describe, expect, it } from 'vitest';
import { causeCode } from './cause-code.ts';

describe('causeCode', () => {
  it('finds the code under a fetch failure', () => {
    expect(causeCode(new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }))).toBe('ECONNREFUSED');
  });

  it('skips codes the caller turns down and keeps walking', () => {
    const error = Object.assign(new Error('outer'), { code: 'ERR_OUTER', cause: { code: 'UND_ERR_SOCKET' } });
    expect(causeCode(error, (code) => code.startsWith('UND_ERR'))).toBe('UND_ERR_SOCKET');
    expect(causeCode(error)).toBe('ERR_OUTER');
  });

  it('gives undefined without a code, for non-objects, and past five levels', () => {
    expect(causeCode(new Error('plain'))).toBeUndefined();
    expect(causeCode(undefined)).toBeUndefined();
    expect(causeCode('text')).toBeUndefined();
    let deep: { cause?: unknown; code?: string } = { code: 'EDEEP' };
    for (let level = 0; level < 5; level++) deep = { cause: deep };
    expect(causeCode(deep)).toBeUndefined();
  });
});
