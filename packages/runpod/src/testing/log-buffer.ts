export type LogSource = 'container' | 'system';

export interface LogEntry {
  /** SSE event id: `<ts>/<12-digit sequence>`, like the spec's example frame. */
  readonly id: string;
  readonly seq: number;
  readonly ts: string;
  readonly source: LogSource;
  readonly line: string;
}

interface Subscriber {
  readonly onEntry: (entry: LogEntry) => void;
  readonly onEnd: () => void;
}

/** Log lines per pod, plus the live SSE listeners waiting for more. */
export class LogBuffer {
  readonly #entries = new Map<string, LogEntry[]>();
  readonly #subscribers = new Map<string, Set<Subscriber>>();
  #seq = 0;

  append(podId: string, line: string, source: LogSource, now: number): LogEntry {
    this.#seq += 1;
    const ts = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const entry: LogEntry = { id: `${ts}/${String(this.#seq).padStart(12, '0')}`, seq: this.#seq, ts, source, line };
    const entries = this.#entries.get(podId) ?? [];
    entries.push(entry);
    this.#entries.set(podId, entries);
    for (const subscriber of this.#subscribers.get(podId) ?? []) subscriber.onEntry(entry);
    return entry;
  }

  entries(podId: string): readonly LogEntry[] {
    return this.#entries.get(podId) ?? [];
  }

  /** Returns the unsubscribe function. */
  subscribe(podId: string, onEntry: (entry: LogEntry) => void, onEnd: () => void): () => void {
    const subscriber: Subscriber = { onEntry, onEnd };
    const set = this.#subscribers.get(podId) ?? new Set<Subscriber>();
    set.add(subscriber);
    this.#subscribers.set(podId, set);
    return () => set.delete(subscriber);
  }

  /** The pod is gone: end its streams and forget its lines. */
  endPod(podId: string): void {
    const subscribers = this.#subscribers.get(podId);
    this.#subscribers.delete(podId);
    this.#entries.delete(podId);
    for (const subscriber of subscribers ?? []) subscriber.onEnd();
  }

  endAll(): void {
    for (const podId of [...this.#subscribers.keys()]) this.endPod(podId);
  }
}
