import { describe, expect, it } from 'vitest';
import { ReadSizeBudget } from './read-size-budget.ts';

describe('ReadSizeBudget', () => {
  it('doubles a read size up to the maximum while the budget has room', () => {
    const budget = new ReadSizeBudget(100);
    expect(budget.grow(8, 64)).toBe(16);
    expect(budget.grow(16, 64)).toBe(32);
    expect(budget.grow(32, 64)).toBe(64);
    expect(budget.grow(64, 64)).toBe(64);
    expect(budget.spareBytes).toBe(100 - 56);
  });

  it('refuses growth the budget cannot cover, and takes it back on shrink', () => {
    const budget = new ReadSizeBudget(24);
    const first = budget.grow(budget.grow(8, 64), 64); // 8 → 16 → 32 uses 24
    expect(first).toBe(32);
    expect(budget.grow(8, 64)).toBe(8); // a second reader gets nothing more
    expect(budget.shrink(first, 8)).toBe(8);
    expect(budget.spareBytes).toBe(24);
    expect(budget.grow(8, 64)).toBe(16);
  });
});
