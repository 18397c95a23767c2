import { InvalidInputError, findGpu } from '@runctl/core';
import { AVAILABILITY_ZONE_PATTERN, INSTANCE_TYPE_PATTERN } from './aws-schemas.ts';

/** One launch attempt's placement: what differs from the primary request. */
export interface LaunchPlacement {
  instanceType: string;
  availabilityZone?: string;
  subnetId?: string;
}

/** A fallback: an instance type or GPU alias, a zone, or both (with an optional subnet in that zone). */
export type AwsFallback = string | { instanceType?: string | undefined; availabilityZone?: string | undefined; subnetId?: string | undefined };

/**
 * An EC2 instance type, or the type for a GPU alias from the catalog
 * (`'A10G'` → `g5.xlarge`, the offer with the fewest GPUs).
 */
export function resolveInstanceType(nameOrAlias: string, field: string, provider: string): string {
  if (INSTANCE_TYPE_PATTERN.test(nameOrAlias)) return nameOrAlias;
  const offers = findGpu(nameOrAlias)?.offers['aws'];
  const smallest = offers === undefined ? undefined : [...offers].sort((a, b) => a.count - b.count)[0];
  if (smallest === undefined) {
    throw new InvalidInputError({
      field,
      provider,
      message: `Invalid ${field}: ${JSON.stringify(nameOrAlias)} is neither an EC2 instance type (such as g5.xlarge) nor a GPU EC2 offers (such as A10G, L4, H100).`,
    });
  }
  return smallest.id;
}

/** The primary placement followed by one placement per fallback, in order. */
export function launchPlacements(primary: LaunchPlacement, fallbacks: readonly AwsFallback[], provider: string): LaunchPlacement[] {
  const placements = [primary];
  fallbacks.forEach((fallback, index) => {
    const field = `options.fallbacks[${index}]`;
    if (typeof fallback === 'string') {
      placements.push(
        AVAILABILITY_ZONE_PATTERN.test(fallback)
          ? { instanceType: primary.instanceType, availabilityZone: fallback }
          : { instanceType: resolveInstanceType(fallback, field, provider), ...zoneOf(primary) },
      );
      return;
    }
    placements.push({
      instanceType: fallback.instanceType === undefined ? primary.instanceType : resolveInstanceType(fallback.instanceType, `${field}.instanceType`, provider),
      ...(fallback.availabilityZone === undefined ? zoneOf(primary) : { availabilityZone: fallback.availabilityZone }),
      ...(fallback.subnetId === undefined ? {} : { subnetId: fallback.subnetId }),
    });
  });
  return placements;
}

function zoneOf(placement: LaunchPlacement): Pick<LaunchPlacement, 'availabilityZone' | 'subnetId'> {
  return {
    ...(placement.availabilityZone === undefined ? {} : { availabilityZone: placement.availabilityZone }),
    ...(placement.subnetId === undefined ? {} : { subnetId: placement.subnetId }),
  };
}

/** A readable name for a placement in messages: `g5.xlarge in us-east-1b`. */
export function describePlacement(placement: LaunchPlacement): string {
  return `${placement.instanceType}${placement.availabilityZone ? ` in ${placement.availabilityZone}` : ''}${placement.subnetId ? ` (${placement.subnetId})` : ''}`;
}
