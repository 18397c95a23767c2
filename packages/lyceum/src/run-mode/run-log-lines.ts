import { LineSplitter, redactSecrets, type LogLineEvent } from '@runctl/core';
import { encodeRunCursor } from './run-cursor.ts';

/**
 * Cuts a run's output into log events and numbers them, skipping the ones a
 * cursor says were already delivered. The live stream and the stored logs
 * both pass through one of these, so the same output gives the same events,
 * with the same cursors, whichever source it came from.
 */
export class RunLogLines {
  readonly #executionId: string;
  readonly #splitter = new LineSplitter();
  /** Events cut so far, delivered or skipped. */
  #count = 0;
  /** Events before this index were delivered earlier. */
  #skip: number;

  constructor(executionId: string, alreadyDelivered: number) {
    this.#executionId = executionId;
    this.#skip = alreadyDelivered;
  }

  /** Events the caller has now delivered (or had before), the next cursor's base. */
  get delivered(): number {
    return Math.max(this.#skip, this.#count);
  }

  /** Feeds output text; returns the new events it completes. */
  push(text: string, timestamp: Date): LogLineEvent[] {
    const events: LogLineEvent[] = [];
    this.#splitter.pushInto(Buffer.from(text, 'utf8'), (line, _end, progress, continued, bytes) => {
      this.#take(events, line, progress, continued, bytes, timestamp);
    });
    return events;
  }

  /** Ends the output: a last line without a newline becomes a complete line. */
  finish(timestamp: Date): LogLineEvent[] {
    const events: LogLineEvent[] = [];
    this.#splitter.flushInto((line, _end, progress, continued, bytes) => this.#take(events, line, progress, continued, bytes, timestamp), { final: true });
    return events;
  }

  #take(events: LogLineEvent[], line: string, progress: boolean, continued: boolean, bytes: Uint8Array | undefined, timestamp: Date): void {
    const index = this.#count++;
    if (index < this.#skip) return;
    const event: LogLineEvent = {
      type: 'log',
      stream: 'stdout',
      line: redactSecrets(line),
      timestamp,
      cursor: encodeRunCursor({ executionId: this.#executionId, events: index + 1, ended: false }),
    };
    if (progress) event.progress = true;
    if (continued) event.continued = true;
    if (bytes !== undefined) event.bytes = bytes;
    events.push(event);
  }
}

/** Re-cuts stored log lines (each a complete line) and returns the events not yet delivered. */
export function eventsFromStoredLogs(executionId: string, delivered: number, logs: ReadonlyArray<{ message: string; at: Date }>): { events: LogLineEvent[]; total: number } {
  const lines = new RunLogLines(executionId, delivered);
  const events: LogLineEvent[] = [];
  for (const entry of logs) events.push(...lines.push(`${entry.message}\n`, entry.at));
  return { events, total: lines.delivered };
}
