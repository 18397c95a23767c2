/** Where a price came from. */
export type PriceSource = 'live' | 'bundled' | 'configured' | 'free';

/** The answer of `estimateCost`. All amounts are USD. */
export interface CostEstimate {
  provider: string;
  instanceType: string;
  hours: number;
  costPerHour: number;
  /** `costPerHour × hours`. */
  total: number;
  /** Interruptible price per hour, where the provider has one. */
  spotCostPerHour?: number;
  currency: 'USD';
  source: PriceSource;
  /** When the price was fetched or the bundled table was compiled. */
  asOf: Date;
}

/** Money spent so far by a resource billed per hour since `launchTime`. */
export function accruedCost(resource: { costPerHour: number; launchTime?: Date | undefined }, now: Date = new Date()): number {
  if (resource.launchTime === undefined) return 0;
  const hours = Math.max(0, now.getTime() - resource.launchTime.getTime()) / 3_600_000;
  return resource.costPerHour * hours;
}
