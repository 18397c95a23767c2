import { RunctlError } from '@runctl/core';
import type { AwsClients } from './aws-clients.ts';
import { awsError } from './aws-errors.ts';
import { BUNDLED_ON_DEMAND_USD, BUNDLED_PRICES_AS_OF } from './bundled-prices.ts';

/** A price and where it came from. */
export interface PriceQuote {
  usdPerHour: number;
  /** `live`: read from AWS just now (or within the TTL); `bundled`: the table shipped with runctl. */
  source: 'live' | 'bundled';
  /** When the price was read, or when the bundled table was compiled. */
  asOf: Date;
  /** For Spot: the zone with that (lowest current) price. */
  availabilityZone?: string;
}

const SPOT_TTL_MS = 5 * 60_000;

/**
 * Prices of EC2 instance types:
 * - On-Demand from the bundled us-east-1 table, or (with `livePrices`, or
 *   for a type the table lacks) from the Price List API (`GetProducts`) for
 *   the provider's region, cached for `priceTtl`;
 * - Spot from `DescribeSpotPriceHistory`: the lowest current price among
 *   the region's zones, cached for five minutes.
 */
export class AwsPrices {
  readonly #clients: AwsClients;
  readonly #provider: string;
  readonly #live: boolean;
  readonly #ttlMs: number;
  readonly #onDemand = new Map<string, { quote: Promise<PriceQuote>; at: number }>();
  readonly #spot = new Map<string, { quote: Promise<PriceQuote | undefined>; at: number }>();
  readonly #known = new Map<string, PriceQuote>();

  constructor(clients: AwsClients, options: { provider: string; livePrices: boolean; ttlMs: number }) {
    this.#clients = clients;
    this.#provider = options.provider;
    this.#live = options.livePrices;
    this.#ttlMs = options.ttlMs;
  }

  /** The best price known right now, without a call: for `ResourceStatus.costPerHour`. */
  costPerHourNow(instanceType: string, spot: boolean): number {
    const known = (spot ? this.#known.get(`spot:${instanceType}`) : undefined) ?? this.#known.get(instanceType);
    return known?.usdPerHour ?? BUNDLED_ON_DEMAND_USD[instanceType] ?? 0;
  }

  /** The On-Demand price per hour. */
  onDemand(instanceType: string, signal?: AbortSignal): Promise<PriceQuote> {
    const bundled = BUNDLED_ON_DEMAND_USD[instanceType];
    if (!this.#live && bundled !== undefined) return Promise.resolve({ usdPerHour: bundled, source: 'bundled', asOf: BUNDLED_PRICES_AS_OF });
    const cached = this.#onDemand.get(instanceType);
    if (cached !== undefined && Date.now() - cached.at < this.#ttlMs) return cached.quote;
    const quote = this.#fetchOnDemand(instanceType, signal).then((live) => {
      this.#known.set(instanceType, live);
      return live;
    });
    this.#onDemand.set(instanceType, { quote, at: Date.now() });
    quote.catch(() => this.#onDemand.delete(instanceType));
    return quote;
  }

  /** The lowest current Spot price in the region, or undefined when EC2 lists none. */
  spot(instanceType: string, signal?: AbortSignal): Promise<PriceQuote | undefined> {
    const cached = this.#spot.get(instanceType);
    if (cached !== undefined && Date.now() - cached.at < SPOT_TTL_MS) return cached.quote;
    const quote = this.#fetchSpot(instanceType, signal).then((found) => {
      if (found !== undefined) this.#known.set(`spot:${instanceType}`, found);
      return found;
    });
    this.#spot.set(instanceType, { quote, at: Date.now() });
    quote.catch(() => this.#spot.delete(instanceType));
    return quote;
  }

  async #fetchOnDemand(instanceType: string, signal?: AbortSignal): Promise<PriceQuote> {
    const [{ client, sdk }, region] = await Promise.all([this.#clients.pricing(), this.#clients.region()]);
    const term = (Field: string, Value: string) => ({ Type: 'TERM_MATCH' as const, Field, Value });
    let priceList: string[];
    try {
      const out = await client.send(
        new sdk.GetProductsCommand({
          ServiceCode: 'AmazonEC2',
          MaxResults: 10,
          Filters: [
            term('instanceType', instanceType),
            term('regionCode', region),
            term('operatingSystem', 'Linux'),
            term('tenancy', 'Shared'),
            term('preInstalledSw', 'NA'),
            term('capacitystatus', 'Used'),
          ],
        }),
        signal ? { abortSignal: signal } : {},
      );
      priceList = out.PriceList ?? [];
    } catch (error) {
      throw awsError(error, { operation: `GetProducts ${instanceType}`, provider: this.#provider, signal });
    }
    const usd = priceList.map(onDemandUsd).find((price) => price !== undefined && price > 0);
    if (usd === undefined) {
      throw new RunctlError({ code: 'NOT_FOUND', provider: this.#provider, message: `The AWS price list has no Linux On-Demand price for ${instanceType} in ${region}.` });
    }
    return { usdPerHour: usd, source: 'live', asOf: new Date() };
  }

  async #fetchSpot(instanceType: string, signal?: AbortSignal): Promise<PriceQuote | undefined> {
    const { client, sdk } = await this.#clients.ec2();
    try {
      const out = await client.send(
        new sdk.DescribeSpotPriceHistoryCommand({ InstanceTypes: [instanceType as never], ProductDescriptions: ['Linux/UNIX'], StartTime: new Date() }),
        signal ? { abortSignal: signal } : {},
      );
      // Newest first; the first row per zone is that zone's current price.
      const current = new Map<string, number>();
      for (const row of out.SpotPriceHistory ?? []) {
        const zone = row.AvailabilityZone ?? '';
        if (!current.has(zone) && row.SpotPrice !== undefined) current.set(zone, Number(row.SpotPrice));
      }
      const [zone, usd] = [...current].sort((a, b) => a[1] - b[1])[0] ?? [];
      if (zone === undefined || usd === undefined || !Number.isFinite(usd)) return undefined;
      return { usdPerHour: usd, source: 'live', asOf: new Date(), availabilityZone: zone };
    } catch (error) {
      throw awsError(error, { operation: `DescribeSpotPriceHistory ${instanceType}`, provider: this.#provider, signal });
    }
  }
}

/** `terms.OnDemand[*].priceDimensions[*].pricePerUnit.USD` of one Price List entry. */
export function onDemandUsd(entry: string): number | undefined {
  let product: unknown;
  try {
    product = JSON.parse(entry);
  } catch {
    return undefined;
  }
  const terms = (product as { terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, { pricePerUnit?: { USD?: string } }> }> } }).terms;
  for (const offer of Object.values(terms?.OnDemand ?? {})) {
    for (const dimension of Object.values(offer.priceDimensions ?? {})) {
      const usd = Number(dimension.pricePerUnit?.USD);
      if (Number.isFinite(usd)) return usd;
    }
  }
  return undefined;
}
