import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it.each([
    [250, 250], ['250', 250], ['500ms', 500], ['90s', 90_000], ['45m', 2_700_000], ['2h', 7_200_000],
    ['1d', 86_400_000], ['1h30m', 5_400_000], ['1.5h', 5_400_000], [' 2H ', 7_200_000],
  ] as const)('parses %j', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '', 'soon', '10 minutes', 'h', '5x', '1h 30m'])('rejects %j', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });

  it('round-trips whole seconds through formatDuration', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000_000 }), (seconds) => {
      expect(parseDuration(formatDuration(seconds * 1000))).toBe(seconds * 1000);
    }));
  });
});
