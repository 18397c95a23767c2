import { matchPath } from './path-pattern.ts';

/**
 * An injected failure for the next matching request(s).
 * - `status`: answer with that status and a problem+json body (429 adds
 *   `Retry-After` only when `retryAfter` is given, so tests choose).
 * - `reset: 'before'`: drop the connection without handling the request.
 * - `reset: 'after'`: handle it (e.g. really create the pod), then drop the
 *   connection instead of answering — the "ambiguous create".
 * - `delayMs`: handle it at once, answer that much later (client timeouts);
 *   the operation has happened even if the client gives up.
 */
export type FakeFault =
  | { readonly status: number; readonly detail?: string; readonly retryAfter?: number }
  | { readonly reset: 'before' | 'after' }
  | { readonly delayMs: number };

/**
 * Which requests a fault applies to. `path` is exact (no query string), may use
 * `{id}`-style placeholders (`/v2/pods/{id}`), or is a RegExp. No `method`
 * means any method.
 */
export interface FaultMatch {
  readonly method?: string;
  readonly path: string | RegExp;
}

interface PendingFault {
  readonly match: FaultMatch;
  readonly fault: FakeFault;
  remaining: number;
}

/** Faults are consumed in the order they were registered. */
export class FaultQueue {
  readonly #pending: PendingFault[] = [];

  add(match: FaultMatch, fault: FakeFault, times: number): void {
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a positive integer, got ${times}`);
    this.#pending.push({ match, fault, remaining: times });
  }

  take(method: string, path: string): FakeFault | undefined {
    const index = this.#pending.findIndex((entry) => matches(entry.match, method, path));
    const entry = this.#pending[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.#pending.splice(index, 1);
    return entry.fault;
  }
}

function matches(match: FaultMatch, method: string, path: string): boolean {
  if (match.method !== undefined && match.method.toUpperCase() !== method) return false;
  if (match.path instanceof RegExp) return match.path.test(path);
  return matchPath(match.path, path) !== undefined;
}
