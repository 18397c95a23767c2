/** One GPU of a VM hardware profile, per hour, in USD. */
export interface BundledPrice {
  onDemand: number;
  spot?: number;
}

/** When the bundled table was compiled. */
export const BUNDLED_PRICES_AS_OF = new Date('2026-07-31T00:00:00Z');

/**
 * Fallback VM prices per GPU-hour, used only when `GET /machine-types` cannot
 * be reached. Lyceum publishes no price list; these are the 1-GPU rows of the
 * catalogue the third-party skypilot-lyceum plugin packages
 * (`skypilot_lyceum/data/vms.csv`, 2026-07-31), which it built from Lyceum's
 * `/pricing` endpoint. They are not confirmed by Lyceum, and there is no
 * source for `cpu`, so it has no fallback price.
 */
export const BUNDLED_PRICES: Readonly<Record<string, BundledPrice>> = {
  l40s: { onDemand: 1.190016, spot: 0.550008 },
  a100: { onDemand: 1.590012, spot: 0.799992 },
  h100: { onDemand: 2.79, spot: 1.100016 },
  h200: { onDemand: 4.290012, spot: 1.599984 },
  b200: { onDemand: 6.490008, spot: 2.400012 },
  b300: { onDemand: 7.989984, spot: 2.990016 },
};
