/** One dispatched server-sent event. */
export interface SseEvent {
  event: string;
  data: string;
}

/** Everything read from a stream, for assertions. */
export interface ReadEventStreamResult {
  /** The body exactly as the reads returned it. */
  chunks: Uint8Array[];
  events: SseEvent[];
  /** False when the connection broke instead of ending. */
  endedCleanly: boolean;
}

/**
 * Reads a `text/event-stream` body to its end, parsing it per the WHATWG
 * rules (any line ending, comments, multi-line data, an unterminated last
 * event discarded). A reference for tests of the fake, and a yardstick for
 * the provider's own parser.
 */
export async function readEventStream(response: Response): Promise<ReadEventStreamResult> {
  const chunks: Uint8Array[] = [];
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event = '';
  const takeLine = (line: string): void => {
    if (line === '') {
      if (data.length > 0) events.push({ event: event || 'message', data: data.join('\n') });
      data = [];
      event = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  };
  let endedCleanly = true;
  try {
    for await (const chunk of response.body ?? []) {
      chunks.push(chunk);
      buffer += decoder.decode(chunk, { stream: true });
      // A trailing \r may be half of \r\n, so it waits for the next chunk.
      for (let match = /\r\n|\r(?!$)|\n/.exec(buffer); match; match = /\r\n|\r(?!$)|\n/.exec(buffer)) {
        takeLine(buffer.slice(0, match.index));
        buffer = buffer.slice(match.index + match[0].length);
      }
    }
  } catch {
    endedCleanly = false;
  }
  return { chunks, events, endedCleanly };
}
