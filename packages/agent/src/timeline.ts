/**
 * The supervisor samples the sizes of stdout and stderr once a second while
 * they grow. Those samples date every byte to within a second, and order
 * lines from the two streams the same way on every read.
 */
export class Timeline {
  readonly #times: number[] = [];
  readonly #stdout: number[] = [];
  readonly #stderr: number[] = [];
  #partial = '';
  /** Bytes of the timeline file already parsed. */
  bytesRead = 0;

  /** Feeds new bytes of the timeline file. */
  append(chunk: Buffer): void {
    this.bytesRead += chunk.length;
    const text = this.#partial + chunk.toString('latin1');
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) {
      const [time, stdout, stderr] = line.split(' ').map(Number);
      if (time === undefined || stdout === undefined || stderr === undefined || [time, stdout, stderr].some(Number.isNaN)) continue;
      this.#times.push(time * 1000);
      this.#stdout.push(stdout);
      this.#stderr.push(stderr);
    }
  }

  /** When the byte just before `end` was known to be written, or `undefined` if no sample covers it yet. */
  timeOf(stream: 'stdout' | 'stderr', end: number): number | undefined {
    const sizes = stream === 'stdout' ? this.#stdout : this.#stderr;
    let low = 0;
    let high = sizes.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((sizes[middle] as number) >= end) high = middle;
      else low = middle + 1;
    }
    return low < sizes.length ? this.#times[low] : undefined;
  }
}
