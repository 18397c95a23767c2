/** One Server-Sent Event. */
export interface SseEvent {
  /** The `id:` field, if the event had one. */
  id?: string;
  event?: string;
  data: string;
}

/**
 * Parses a `text/event-stream` body (WHATWG HTML §9.2.6): `data:` lines are
 * joined with `\n`, comments and `retry:` are ignored, a blank line ends an
 * event, CR, LF and CRLF all end lines. Cancels the body when the consumer stops.
 */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let data: string[] = [];
  let id: string | undefined;
  let event: string | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (!done) buffer += value;
      for (let end = lineEnd(buffer, done); end !== undefined; end = lineEnd(buffer, done)) {
        const line = buffer.slice(0, end.index);
        buffer = buffer.slice(end.index + end.length);
        if (line === '') {
          if (data.length > 0) yield { data: data.join('\n'), ...(id === undefined ? {} : { id }), ...(event === undefined ? {} : { event }) };
          data = [];
          event = undefined;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') data.push(text);
        else if (field === 'id' && !text.includes('\0')) id = text;
        else if (field === 'event') event = text;
      }
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** The first line end in `text`; a trailing lone CR waits for more input (it may be half of CRLF) unless the stream has ended. */
function lineEnd(text: string, final: boolean): { index: number; length: number } | undefined {
  const match = /\r\n|\n|\r/.exec(text);
  if (match === null) return undefined;
  if (!final && match[0] === '\r' && match.index === text.length - 1) return undefined;
  return { index: match.index, length: match[0].length };
}
