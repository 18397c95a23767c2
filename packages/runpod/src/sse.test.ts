import { describe, expect, it } from 'vitest';
import { parseSse, type SseEvent } from './sse.ts';

function streamOf(chunks: readonly string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(chunks: readonly string[]): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of parseSse(streamOf(chunks))) events.push(event);
  return events;
}

describe('parseSse', () => {
  it('reads RunPod log frames split anywhere, with any line ending', async () => {
    const frame = 'id: 2026-06-01T12:02:03Z/000000000001\ndata: {"line":"a"}\n\n';
    const text = `${frame}: keep-alive\r\nid: 2\r\ndata: x\r\ndata: y\r\n\r\nid: 3\rdata: z\r\r`;
    const expected = [
      { id: '2026-06-01T12:02:03Z/000000000001', data: '{"line":"a"}' },
      { id: '2', data: 'x\ny' },
      { id: '3', data: 'z' },
    ];
    expect(await collect([text])).toEqual(expected);
    expect(await collect([...text])).toEqual(expected);
  });

  it('keeps the last id for events without one, and drops an unfinished event', async () => {
    expect(await collect(['id: 7\ndata: a\n\ndata: b\n\ndata: cut'])).toEqual([
      { id: '7', data: 'a' },
      { id: '7', data: 'b' },
    ]);
  });
});
