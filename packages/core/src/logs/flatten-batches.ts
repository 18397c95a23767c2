/**
 * Turns an async iterable of arrays into an async iterable of their items.
 *
 * Written by hand rather than as an async generator: serving buffered items
 * from a plain `next()` costs one resolved promise each, about a third of what
 * an async generator's `yield` costs, and log streams yield millions of them.
 * Breaking out of the loop calls `return()` on the source, so its cleanup runs.
 */
export function flattenBatches<T>(source: AsyncIterable<readonly T[]>): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let batch: readonly T[] = [];
  let index = 0;
  let finished = false;
  const done = (): IteratorResult<T> => ({ value: undefined, done: true });
  const refill = async (): Promise<IteratorResult<T>> => {
    while (index >= batch.length) {
      if (finished) return done();
      const result = await iterator.next();
      if (result.done === true) {
        finished = true;
        return done();
      }
      batch = result.value;
      index = 0;
    }
    return { value: batch[index++] as T, done: false };
  };

  const flattened: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]() {
      return flattened;
    },
    next(): Promise<IteratorResult<T>> {
      // The common case stays off the async-function path: one resolved promise per item.
      if (index < batch.length) return Promise.resolve({ value: batch[index++] as T, done: false });
      return refill();
    },
    async return(): Promise<IteratorResult<T>> {
      if (!finished) {
        finished = true;
        await iterator.return?.();
      }
      return done();
    },
  };
  return flattened;
}
