import { toRunctlError } from '../errors/to-runctl-error.ts';
import { findGpu } from '../gpu/gpu-catalog.ts';
import type { PriceSource } from '../provider/cost-estimate.ts';
import type { CallOptions } from '../provider/training-provider.ts';
import type { ProviderFailure, ProviderRegistry } from '../registry/provider-registry.ts';
import { parseInput } from '../schemas/parse-input.ts';
import * as z from '../schemas/zod-mini.ts';
import { InvalidInputError } from '../errors/invalid-input-error.ts';

/** What to price. */
export interface CostQuery {
  /** A normalized GPU name or alias: `A100-80GB`, `H100-SXM`, `RTX4090`… */
  gpu: string;
  /** GPUs needed (default 1). */
  count?: number;
  /** Hours to price (default 1). */
  hours?: number;
  /** Sort by the spot price where there is one (default false). */
  spot?: boolean;
}

/** One way to get the GPUs, priced. */
export interface CostRow {
  provider: string;
  /** The provider's instance type or GPU id. */
  instanceType: string;
  /** GPUs you get (can exceed what you asked for, e.g. 8 on an 8-GPU EC2 type). */
  gpus: number;
  /** Instances (or pods) needed for `count` GPUs. */
  instances: number;
  /** Price per hour for all of them, USD. */
  costPerHour: number;
  /** `costPerHour × hours`. */
  total: number;
  /** Interruptible price per hour for all of them, where the provider has one. */
  spotCostPerHour?: number;
  source: PriceSource;
  /** How old the price is, in ms. */
  ageMs: number;
}

/** Rows sorted by the price that applies, plus the providers that could not answer. */
export interface CostComparison {
  gpu: string;
  rows: CostRow[];
  failures: ProviderFailure[];
}

const querySchema = z.strictObject({
  gpu: z.string().check(z.minLength(1)),
  count: z.optional(z.number().check(z.int(), z.positive(), z.maximum(1024))),
  hours: z.optional(z.number().check(z.nonnegative())),
  spot: z.optional(z.boolean()),
});

/**
 * Prices a GPU on every registered provider that offers it, concurrently,
 * cheapest first. Offers come from the GPU catalog; prices from each
 * provider's `estimateCost`, with their source and age.
 *
 * @example
 * ```ts
 * const { rows } = await compareCosts(registry, { gpu: 'A100-80GB', count: 2, hours: 10 });
 * console.table(rows.map((row) => [row.provider, row.instanceType, row.costPerHour, row.source]));
 * ```
 */
export async function compareCosts(registry: ProviderRegistry, query: CostQuery, options: CallOptions = {}): Promise<CostComparison> {
  const parsed = parseInput(querySchema, query, 'query');
  const model = findGpu(parsed.gpu);
  if (model === undefined) {
    throw new InvalidInputError({ field: 'query.gpu', message: `Invalid query.gpu: unknown GPU ${JSON.stringify(parsed.gpu)}.`, hint: 'Run `runctl gpus` for the list.' });
  }
  const count = parsed.count ?? 1;
  const hours = parsed.hours ?? 1;
  const tasks = registry.names().flatMap((name) =>
    (model.offers[name] ?? []).map(async (offer): Promise<CostRow> => {
      const instances = Math.ceil(count / offer.count);
      const estimate = await registry.get(name).estimateCost(offer.id, hours, options);
      const row: CostRow = {
        provider: name,
        instanceType: offer.id,
        gpus: instances * offer.count,
        instances,
        costPerHour: estimate.costPerHour * instances,
        total: estimate.costPerHour * instances * hours,
        source: estimate.source,
        // Aged when the price arrives, not when it was asked for: a price stamped
        // during the call must not come out younger than it is.
        ageMs: Math.max(0, Date.now() - estimate.asOf.getTime()),
      };
      if (estimate.spotCostPerHour !== undefined) row.spotCostPerHour = estimate.spotCostPerHour * instances;
      return row;
    }).map((promise) => promise.then((row) => ({ row }), (error: unknown) => ({ error: toRunctlError(error, name), provider: name }))),
  );
  const settled = await Promise.all(tasks);
  const rows: CostRow[] = [];
  const failures: ProviderFailure[] = [];
  for (const outcome of settled) {
    if ('row' in outcome) rows.push(outcome.row);
    else if (!failures.some((failure) => failure.provider === outcome.provider)) failures.push({ provider: outcome.provider, error: outcome.error });
  }
  const price = (row: CostRow): number => (parsed.spot ? (row.spotCostPerHour ?? row.costPerHour) : row.costPerHour);
  rows.sort((a, b) => price(a) - price(b) || a.provider.localeCompare(b.provider));
  return { gpu: model.name, rows, failures };
}
