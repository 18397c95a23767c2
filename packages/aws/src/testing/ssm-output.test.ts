import { describe, expect, test } from 'vitest';
import { combinedPluginOutput, headChars, STDERR_LIMIT, STDOUT_LIMIT } from './ssm-output.ts';

describe('SSM output limits', () => {
  test('limits are the documented 24,000 / 8,000 characters', () => {
    expect([STDOUT_LIMIT, STDERR_LIMIT]).toEqual([24_000, 8_000]);
  });

  test('headChars keeps the head and never splits a surrogate pair', () => {
    expect(headChars('abcdef', 4)).toBe('abcd');
    expect(headChars('ab', 4)).toBe('ab');
    expect(headChars('abc😀', 4)).toBe('abc');
  });

  test('combined plugin output: whole when it fits, cut with markers otherwise', () => {
    expect(combinedPluginOutput('out', '', 100)).toBe('out');
    expect(combinedPluginOutput('out', 'err', 100)).toBe('out\n----------ERROR-------\nerr');
    const long = combinedPluginOutput('x'.repeat(500), '', 100);
    expect(long).toHaveLength(100);
    expect(long.endsWith('\n---Output truncated---')).toBe(true);
    const both = combinedPluginOutput('o'.repeat(500), 'e'.repeat(500), 100);
    expect(both).toContain('---Output truncated---');
    expect(both.endsWith('---Error truncated----')).toBe(true);
  });
});
