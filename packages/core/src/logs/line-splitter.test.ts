import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, type SplitLine } from './line-splitter.ts';

function splitAll(chunks: Uint8Array[], options: { maxLineBytes?: number } = {}): SplitLine[] {
  const splitter = new LineSplitter(options);
  return [...chunks.flatMap((chunk) => splitter.push(chunk)), ...splitter.flush()];
}

/** Rebuilds the byte stream from lines, given that terminators are \n unless progress. */
function lineBytes(line: SplitLine): Buffer {
  return line.bytes ? Buffer.from(line.bytes) : Buffer.from(line.text, 'utf8');
}

describe('LineSplitter', () => {
  it('splits on \\n and \\r\\n, and marks lone \\r as progress', () => {
    const lines = splitAll([Buffer.from('a\nb\r\n10%\r20%\r30%\ndone')]);
    expect(lines.map((line) => [line.text, line.progress, line.continued])).toEqual([
      ['a', false, false], ['b', false, false], ['10%', true, false], ['20%', true, false], ['30%', false, false], ['done', false, false],
    ]);
    expect(lines.map((line) => line.end)).toEqual([2, 5, 9, 13, 17, 21]);
  });

  it('rejoins a \\r\\n and a UTF-8 character split across chunks', () => {
    const euro = Buffer.from('€'); // 3 bytes
    const lines = splitAll([Buffer.from('x\r'), Buffer.from('\ny'), euro.subarray(0, 1), euro.subarray(1), Buffer.from('\n')]);
    expect(lines.map((line) => line.text)).toEqual(['x', 'y€']);
    expect(lines.every((line) => line.bytes === undefined)).toBe(true);
  });

  it('keeps the exact bytes of invalid UTF-8', () => {
    const raw = Buffer.from([0x66, 0xff, 0xfe, 0x6f, 0x0a]);
    const [line] = splitAll([raw]);
    expect(line?.text).toBe('f\ufffd\ufffdo');
    expect(Buffer.from(line?.bytes ?? [])).toEqual(raw.subarray(0, 4));
  });

  it('cuts long lines into continued pieces on character boundaries', () => {
    const text = 'é'.repeat(10); // 20 bytes
    const lines = splitAll([Buffer.from(`${text}\n`)], { maxLineBytes: 7 });
    expect(lines.map((line) => line.text).join('')).toBe(text);
    expect(lines.slice(0, -1).every((line) => line.continued)).toBe(true);
    expect(lines.at(-1)?.continued).toBe(false);
    expect(lines.every((line) => Buffer.byteLength(line.text) <= 7)).toBe(true);
    expect(lines.at(-1)?.end).toBe(21);
  });

  it('reports a held partial line as continued when flushed early', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(Buffer.from('loading'))).toEqual([]);
    expect(splitter.pendingBytes).toBe(7);
    expect(splitter.consumedOffset).toBe(0);
    const [partial] = splitter.flush({ final: false });
    expect(partial).toMatchObject({ text: 'loading', continued: true, end: 7 });
    const [rest] = splitter.push(Buffer.from('... ok\n'));
    expect(rest).toMatchObject({ text: '... ok', continued: false, end: 14 });
  });

  it('starts counting at startOffset, so cursors are absolute', () => {
    const splitter = new LineSplitter({ startOffset: 100 });
    expect(splitter.push(Buffer.from('a\nbc\n')).map((line) => line.end)).toEqual([102, 105]);
  });

  const streamArbitrary = fc.array(
    fc.oneof(
      fc.constantFrom('\n', '\r', '\r\n', 'é', '€', '😀', 'a', 'b', ' '),
      fc.string({ maxLength: 8 }),
      fc.uint8Array({ maxLength: 4 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    ),
    { maxLength: 60 },
  ).map((parts) => Buffer.concat(parts.map((part) => (/^[\x00-\xff]*$/.test(part) && part.length <= 4 ? Buffer.from(part, 'latin1') : Buffer.from(part)))));

  function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
    const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
    const chunks: Buffer[] = [];
    let start = 0;
    for (const point of points) {
      chunks.push(bytes.subarray(start, point));
      start = point;
    }
    chunks.push(bytes.subarray(start));
    return chunks;
  }

  it('gives the same lines whatever the chunk boundaries (property)', () => {
    fc.assert(
      fc.property(streamArbitrary, fc.array(fc.nat(), { maxLength: 10 }), fc.integer({ min: 4, max: 40 }), (bytes, cuts, maxLineBytes) => {
        const whole = splitAll([bytes], { maxLineBytes });
        const pieces = splitAll(chunked(bytes, cuts), { maxLineBytes });
        expect(pieces.map((line) => [lineBytes(line).toString('hex'), line.progress, line.end])).toEqual(
          whole.map((line) => [lineBytes(line).toString('hex'), line.progress, line.end]),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('loses no byte: the lines plus their terminators rebuild the stream (property)', () => {
    fc.assert(
      fc.property(streamArbitrary, fc.array(fc.nat(), { maxLength: 10 }), fc.integer({ min: 4, max: 40 }), (bytes, cuts, maxLineBytes) => {
        const lines = splitAll(chunked(bytes, cuts), { maxLineBytes });
        let position = 0;
        for (const line of lines) {
          const body = lineBytes(line);
          expect(bytes.subarray(position, position + body.length).equals(body)).toBe(true);
          position += body.length;
          // Whatever lies between the body and `end` must be a line terminator.
          const terminator = bytes.subarray(position, line.end).toString('latin1');
          expect(['', '\n', '\r', '\r\n']).toContain(terminator);
          if (line.progress) expect(terminator).toBe('\r');
          position = line.end;
        }
        expect(position).toBe(bytes.length);
      }),
      { numRuns: 400 },
    );
  });
});

describe('LineSplitter ASCII fast path', () => {
  it('agrees with the general path on long lines, pending tails and mixed chunks (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('\n', 'a', 'bc', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'), fc.constantFrom('\r', 'é')), { maxLength: 80 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer({ min: 4, max: 24 }),
        (parts, cuts, maxLineBytes) => {
          const bytes = Buffer.from(parts.join(''));
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let start = 0;
          for (const point of points) {
            chunks.push(bytes.subarray(start, point));
            start = point;
          }
          chunks.push(bytes.subarray(start));
          // One byte at a time never takes the fast path; whole chunks usually do.
          const slow = splitAll([...bytes].map((byte) => Buffer.from([byte])), { maxLineBytes });
          const fast = splitAll(chunks, { maxLineBytes });
          expect(fast.map((line) => [line.text, line.end, line.progress, line.continued])).toEqual(slow.map((line) => [line.text, line.end, line.progress, line.continued]));
        },
      ),
      { numRuns: 500 },
    );
  });
});
