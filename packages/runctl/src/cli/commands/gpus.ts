import { GPU_CATALOG } from '@runctl/core';
import type { Command } from '../context.ts';
import { money } from '../format.ts';
import { parseCommandArgs } from '../parse-args.ts';

export const gpusCommand: Command = {
  name: 'gpus',
  summary: 'the GPU catalog, with the cheapest hourly price on each configured provider',
  usage: 'runctl gpus [--json]',
  async run(argv, { output, registry, signal }) {
    parseCommandArgs(argv, {});
    const providers = registry.names().filter((name) => GPU_CATALOG.some((gpu) => gpu.offers[name] !== undefined));
    const rows = await output.spin('fetching prices', () =>
      Promise.all(
        GPU_CATALOG.map(async (gpu) => {
          const prices: Record<string, { instanceType: string; gpus: number; costPerHour: number; source: string } | null> = {};
          for (const name of providers) {
            const offers = gpu.offers[name] ?? [];
            const priced = await Promise.all(
              offers.map((offer) =>
                registry.get(name).estimateCost(offer.id, 1, { signal }).then(
                  (estimate) => ({ instanceType: offer.id, gpus: offer.count, costPerHour: estimate.costPerHour, source: estimate.source }),
                  () => undefined,
                ),
              ),
            );
            const best = priced.filter((entry) => entry !== undefined).sort((a, b) => a.costPerHour / a.gpus - b.costPerHour / b.gpus)[0];
            prices[name] = best ?? null;
          }
          return { name: gpu.name, memoryGb: gpu.memoryGb, prices };
        }),
      ),
    );
    if (output.json) {
      output.data(rows);
      return 0;
    }
    output.table(
      ['GPU', 'MEMORY', ...providers.map((name) => `${name.toUpperCase()} $/GPU-H`)],
      rows.map((row) => [row.name, `${row.memoryGb} GB`, ...providers.map((name) => {
        const price = row.prices[name];
        return price ? `${money(price.costPerHour / price.gpus)} (${price.instanceType})` : '-';
      })]),
    );
    if (providers.length === 0) output.note('no configured provider has GPUs; see runctl providers');
    return 0;
  },
};
