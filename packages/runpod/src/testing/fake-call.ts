import type { FakeFault } from './faults.ts';

/** One request the fake received, for assertions such as "exactly one POST /v2/pods". */
export interface FakeCall {
  readonly method: string;
  /** Path without the query string, still URL-encoded. */
  readonly path: string;
  /** Query parameters as sent (the last value wins when repeated). */
  readonly query: Readonly<Record<string, string>>;
  /** Parsed JSON body, the raw text if it was not JSON, or undefined if empty (or never read: `reset: 'before'`). */
  readonly body: unknown;
  /** Status answered, or `'reset'` when the connection was dropped instead. */
  readonly status: number | 'reset';
  /** The injected fault this request consumed, if any. */
  readonly fault?: FakeFault;
}
