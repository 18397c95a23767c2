/** Per-window request quotas; the defaults are the spec's `RateLimit-Policy` example. */
export interface RateLimitQuotas {
  readonly minute: number;
  readonly hour: number;
  readonly day: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitQuotas = { minute: 60, hour: 3000, day: 50_000 };

const WINDOWS = [
  { name: 'minute', seconds: 60 },
  { name: 'hour', seconds: 3600 },
  { name: 'day', seconds: 86_400 },
] as const;

type WindowName = (typeof WINDOWS)[number]['name'];

interface WindowState {
  readonly name: WindowName;
  readonly seconds: number;
  readonly quota: number;
  readonly index: number;
  readonly used: number;
  readonly resetInSeconds: number;
}

export type RateLimitDecision =
  | { readonly allowed: true; readonly headers: Readonly<Record<string, string>> }
  | {
      readonly allowed: false;
      readonly headers: Readonly<Record<string, string>>;
      readonly window: WindowName;
      readonly retryAfterSeconds: number;
    };

/**
 * Fixed windows anchored at server start. The fake enforces its quotas (429
 * once a window is spent), so `r=0` in the headers means what it says.
 */
export class RateLimitMeter {
  readonly #quotas: RateLimitQuotas;
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #used = new Map<WindowName, { index: number; count: number }>();

  constructor(quotas: RateLimitQuotas, now: () => number) {
    this.#quotas = quotas;
    this.#now = now;
    this.#startedAt = now();
  }

  /** Counts one request, or refuses it when a window is spent (refusals are not counted). */
  consume(): RateLimitDecision {
    const states = this.#states();
    const exhausted = states.find((s) => s.used >= s.quota);
    if (exhausted) {
      return {
        allowed: false,
        headers: headersFor(states),
        window: exhausted.name,
        retryAfterSeconds: exhausted.resetInSeconds,
      };
    }
    for (const s of states) this.#used.set(s.name, { index: s.index, count: s.used + 1 });
    return { allowed: true, headers: headersFor(states.map((s) => ({ ...s, used: s.used + 1 }))) };
  }

  /** Headers for a response that does not consume quota (injected faults). */
  headers(): Readonly<Record<string, string>> {
    return headersFor(this.#states());
  }

  #states(): WindowState[] {
    const elapsed = this.#now() - this.#startedAt;
    return WINDOWS.map((window) => {
      const length = window.seconds * 1000;
      const index = Math.floor(elapsed / length);
      const record = this.#used.get(window.name);
      return {
        ...window,
        quota: this.#quotas[window.name],
        index,
        used: record?.index === index ? record.count : 0,
        resetInSeconds: Math.ceil(((index + 1) * length - elapsed) / 1000),
      };
    });
  }
}

function headersFor(states: readonly WindowState[]): Record<string, string> {
  return {
    RateLimit: states.map((s) => `"${s.name}";r=${Math.max(0, s.quota - s.used)};t=${s.resetInSeconds}`).join(', '),
    'RateLimit-Policy': states.map((s) => `"${s.name}";q=${s.quota};w=${s.seconds}`).join(', '),
  };
}
