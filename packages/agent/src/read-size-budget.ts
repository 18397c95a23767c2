/**
 * How far log followers may grow their reads. Sizes above a follower's
 * minimum come from one budget, shared by every follower in the process, so
 * the memory held by reads and their events stays bounded however many logs
 * are followed: one busy follower reads in large chunks, a hundred stay small.
 */
export class ReadSizeBudget {
  #spareBytes: number;

  constructor(spareBytes: number) {
    this.#spareBytes = spareBytes;
  }

  /** Bytes still available for growth. */
  get spareBytes(): number {
    return this.#spareBytes;
  }

  /** `current` doubled, up to `max`, if the budget has room; otherwise `current`. */
  grow(current: number, max: number): number {
    const next = Math.min(max, current * 2);
    if (next - current > this.#spareBytes) return current;
    this.#spareBytes -= next - current;
    return next;
  }

  /** Back to `min`, returning the growth to the budget. */
  shrink(current: number, min: number): number {
    this.#spareBytes += current - min;
    return min;
  }
}

/** The budget followers use unless given their own. */
export const sharedReadSizes = new ReadSizeBudget(64 << 10);
