import { describe, expect, it } from 'vitest';
import { flattenBatches } from './flatten-batches.ts';

describe('flattenBatches', () => {
  it('yields every item in order, skipping empty batches', async () => {
    async function* source(): AsyncGenerator<number[]> {
      yield [1, 2];
      yield [];
      yield [3];
    }
    const items: number[] = [];
    for await (const item of flattenBatches(source())) items.push(item);
    expect(items).toEqual([1, 2, 3]);
  });

  it('runs the source cleanup when the consumer breaks', async () => {
    let cleaned = false;
    async function* source(): AsyncGenerator<number[]> {
      try {
        for (;;) yield [1, 2, 3];
      } finally {
        cleaned = true;
      }
    }
    for await (const item of flattenBatches(source())) if (item === 2) break;
    expect(cleaned).toBe(true);
  });

  it('passes errors from the source through', async () => {
    async function* source(): AsyncGenerator<number[]> {
      yield [1];
      throw new Error('boom');
    }
    const items: number[] = [];
    await expect((async () => { for await (const item of flattenBatches(source())) items.push(item); })()).rejects.toThrow('boom');
    expect(items).toEqual([1]);
  });
});
