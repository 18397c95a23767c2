import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from './sse-parser.ts';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

function parseInChunks(bytes: Uint8Array, cuts: readonly number[]): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    events.push(...parser.push(bytes.subarray(start, cut)));
    start = cut;
  }
  events.push(...parser.push(bytes.subarray(start)));
  return events;
}

const STREAM = [
  '\uFEFF: ping\n\n',
  'data: {"output":{"content":"épo\u00e9ch 1 🚀\\n"}}\r\n\r\n',
  'event: custom\rdata: line one\rdata: line two\r\r',
  'id: 7\nretry: 100\ndata:no-space\n\n',
  'data\n\n',
  'data: {"jobFinished":{"job":{"result":{"returnCode":"0"}}}}\n\n',
].join('');

const EXPECTED: SseEvent[] = [
  { event: 'message', data: '{"output":{"content":"épo\u00e9ch 1 🚀\\n"}}' },
  { event: 'custom', data: 'line one\nline two' },
  { event: 'message', data: 'no-space' },
  { event: 'message', data: '' },
  { event: 'message', data: '{"jobFinished":{"job":{"result":{"returnCode":"0"}}}}' },
];

describe('SseParser', () => {
  it('parses comments, BOM, CR/LF/CRLF, multi-line data and named events', () => {
    expect(parseInChunks(encode(STREAM), [])).toEqual(EXPECTED);
  });

  it('gives the same events however the bytes are cut (CRLF and UTF-8 split across chunks)', () => {
    const bytes = encode(STREAM);
    // Every single cut point, then random sets of cuts.
    for (let cut = 0; cut <= bytes.length; cut++) expect(parseInChunks(bytes, [cut])).toEqual(EXPECTED);
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 40 }), (cuts) => {
      expect(parseInChunks(bytes, cuts)).toEqual(EXPECTED);
    }));
  });

  it('discards an event the stream cut before its blank line', () => {
    const parser = new SseParser();
    expect(parser.push(encode('data: {"output":{"content":"a\\n"}}\n\ndata: {"output":{"con'))).toHaveLength(1);
    expect(parser.push(encode('tent":"b"}}\n'))).toEqual([]);
  });

  it('rejoins data lines longer than the line splitter cap', () => {
    const long = 'x'.repeat(3 * 1024 * 1024);
    const parser = new SseParser();
    const events = [...parser.push(encode(`data: ${long.slice(0, 1_000_000)}`)), ...parser.push(encode(`${long.slice(1_000_000)}\n\n`))];
    expect(events).toHaveLength(1);
    expect(events[0]?.data.length).toBe(long.length);
  });
});
