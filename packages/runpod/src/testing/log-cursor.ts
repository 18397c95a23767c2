import type { LogEntry, LogSource } from './log-buffer.ts';

export interface LogSelection {
  readonly source?: LogSource;
  /** Default 100; 0 = live only. Ignored when a cursor is given. */
  readonly tail: number;
  readonly since?: string;
  /** Takes precedence over `since` and `tail`. */
  readonly lastEventId?: LogCursor;
}

/** A parsed `Last-Event-ID`: our own `<ts>/<seq>` ids, or a bare timestamp (the spec types it as date-time). */
export type LogCursor = { readonly seq: number } | { readonly afterMs: number };

export function parseLastEventId(value: string): LogCursor | undefined {
  const withSeq = /^(.+)\/(\d+)$/.exec(value);
  if (withSeq && !Number.isNaN(Date.parse(withSeq[1] ?? ''))) return { seq: Number(withSeq[2]) };
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : { afterMs: ms };
}

/** The backfill sent before live lines. */
export function selectBackfill(entries: readonly LogEntry[], selection: LogSelection): readonly LogEntry[] {
  const matching = entries.filter((e) => selection.source === undefined || e.source === selection.source);
  const cursor = selection.lastEventId;
  if (cursor) {
    return 'seq' in cursor
      ? matching.filter((e) => e.seq > cursor.seq)
      : matching.filter((e) => Date.parse(e.ts) > cursor.afterMs);
  }
  if (selection.since !== undefined) {
    const sinceMs = Date.parse(selection.since);
    return matching.filter((e) => Date.parse(e.ts) >= sinceMs);
  }
  return selection.tail === 0 ? [] : matching.slice(-selection.tail);
}

export function formatSseFrame(entry: LogEntry): string {
  return `id: ${entry.id}\ndata: ${JSON.stringify({ ts: entry.ts, source: entry.source, line: entry.line })}\n\n`;
}
