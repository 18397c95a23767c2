import { LineSplitter, RunctlError } from '@runctl/core';

/** One dispatched server-sent event. */
export interface SseEvent {
  /** `message` unless the stream named it. */
  event: string;
  /** The `data:` lines, joined with `\n`. */
  data: string;
}

/** Events larger than this are a broken stream, not output. */
const MAX_EVENT_BYTES = 16 * 1024 * 1024;

/**
 * Parses a `text/event-stream` body per the WHATWG rules, whatever the chunk
 * boundaries: CR, LF and CRLF line ends (even split across chunks), comments,
 * multi-line `data`, a leading BOM. Bytes go through core's
 * {@link LineSplitter}, so multi-byte characters split across chunks arrive
 * whole. An event still open when the stream ends is discarded, as the spec
 * says: it may be cut.
 */
export class SseParser {
  readonly #lines = new LineSplitter({ maxLineBytes: 1024 * 1024 });
  readonly #provider: string | undefined;
  #partial = '';
  #data: string[] = [];
  #dataBytes = 0;
  #event = '';
  #first = true;

  constructor(provider?: string) {
    this.#provider = provider;
  }

  /** Feeds bytes; returns the events they complete. */
  push(chunk: Uint8Array): SseEvent[] {
    const events: SseEvent[] = [];
    for (const line of this.#lines.push(chunk)) {
      // Long lines arrive in pieces; a field is only complete with its last piece.
      this.#partial += line.text;
      if (line.continued) {
        if (this.#partial.length > MAX_EVENT_BYTES) throw this.#tooLarge();
        continue;
      }
      const text = this.#partial;
      this.#partial = '';
      this.#takeLine(text, events);
    }
    return events;
  }

  #takeLine(raw: string, events: SseEvent[]): void {
    const line = this.#first && raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
    this.#first = false;
    if (line === '') {
      if (this.#data.length > 0) events.push({ event: this.#event || 'message', data: this.#data.join('\n') });
      this.#data = [];
      this.#dataBytes = 0;
      this.#event = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.#dataBytes += value.length;
      if (this.#dataBytes > MAX_EVENT_BYTES) throw this.#tooLarge();
      this.#data.push(value);
    } else if (field === 'event') {
      this.#event = value;
    }
    // `id` and `retry` do not matter here: runctl resumes by its own cursors.
  }

  #tooLarge(): RunctlError {
    return new RunctlError({ code: 'PROVIDER', provider: this.#provider, message: 'A Lyceum event stream sent an event larger than 16 MiB.' });
  }
}
