import { abortError, type PriceSource } from '@runctl/core';
import { BUNDLED_PRICES, BUNDLED_PRICES_AS_OF } from './bundled-prices.ts';
import type { LyceumInstanceType } from './instance-type.ts';

/** A price and where it came from. */
export interface PriceQuote {
  costPerHour: number;
  spotCostPerHour?: number;
  source: PriceSource;
  /** When the price was fetched, or when the bundled table was compiled. */
  asOf: Date;
}

/** Live prices by `hardware_profile`, from `GET /machine-types`. */
export type FetchPrices = () => Promise<ReadonlyMap<string, number>>;

/** After a failed fetch, the bundled table is used this long before trying again. */
const FAILURE_BACKOFF_MS = 60_000;

/**
 * Prices of Lyceum instance types: live from `GET /machine-types`
 * (`price_per_hour`), cached for `ttlMs`, with the bundled table as the
 * fallback when the API cannot be reached. Concurrent callers share one fetch.
 */
export class PriceBook {
  readonly #fetch: FetchPrices;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #live: { prices: ReadonlyMap<string, number>; fetchedAt: number } | undefined;
  #failedAt: number | undefined;
  #inflight: Promise<void> | undefined;

  constructor(fetchPrices: FetchPrices, ttlMs: number, now: () => number = Date.now) {
    this.#fetch = fetchPrices;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** The price of `type`, or `undefined` when neither the API nor the bundled table knows it. */
  async quote(type: LyceumInstanceType, signal?: AbortSignal): Promise<PriceQuote | undefined> {
    await this.#refresh(signal);
    const gpus = type.mode === 'vm' && type.profile !== 'cpu' ? (type.gpuCount ?? 1) : 1;
    const keys = priceKeys(type);
    if (this.#live !== undefined) {
      const key = keys.find((candidate) => this.#live?.prices.has(candidate));
      const price = key === undefined ? undefined : this.#live.prices.get(key);
      if (price !== undefined) return { costPerHour: price * gpus, source: 'live', asOf: new Date(this.#live.fetchedAt) };
    }
    const bundled = keys.map((key) => BUNDLED_PRICES[key]).find((entry) => entry !== undefined);
    if (bundled === undefined) return undefined;
    return {
      costPerHour: bundled.onDemand * gpus,
      ...(bundled.spot === undefined ? {} : { spotCostPerHour: bundled.spot * gpus }),
      source: 'bundled',
      asOf: BUNDLED_PRICES_AS_OF,
    };
  }

  /** Refetches when the cache is stale; a failure leaves the bundled table in charge for a minute. */
  async #refresh(signal?: AbortSignal): Promise<void> {
    const now = this.#now();
    if (this.#live !== undefined && now - this.#live.fetchedAt < this.#ttlMs) return;
    if (this.#failedAt !== undefined && now - this.#failedAt < FAILURE_BACKOFF_MS) return;
    // The fetch is shared, so no one caller's signal may cancel it; each caller stops waiting on its own.
    this.#inflight ??= this.#fetch()
      .then((prices) => {
        this.#live = { prices, fetchedAt: this.#now() };
        this.#failedAt = undefined;
      })
      .catch(() => {
        this.#failedAt = this.#now();
      })
      .finally(() => {
        this.#inflight = undefined;
      });
    await untilAborted(this.#inflight, signal);
  }
}

function untilAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Catalogue keys to try: the profile itself, then without a `gpu.` prefix (run types are spelled `gpu.a100`). */
function priceKeys(type: LyceumInstanceType): string[] {
  const key = (type.mode === 'vm' ? type.profile : type.executionType).toLowerCase();
  return key.startsWith('gpu.') ? [key, key.slice(4)] : [key];
}

/** Reads `GET /machine-types`; prices may arrive as strings, which are coerced. */
export function parseMachineTypes(body: unknown): Map<string, number> {
  const rows = (body as { machine_types?: unknown } | undefined)?.machine_types;
  const prices = new Map<string, number>();
  if (!Array.isArray(rows)) return prices;
  for (const row of rows as Array<{ hardware_profile?: unknown; price_per_hour?: unknown }>) {
    const price = Number(row.price_per_hour);
    if (typeof row.hardware_profile === 'string' && Number.isFinite(price) && price >= 0) prices.set(row.hardware_profile.toLowerCase(), price);
  }
  return prices;
}
