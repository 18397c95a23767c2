import type { ResourceStatus } from '@runctl/core';
import { formatInstanceType, type VmInstanceType } from '../instance-type.ts';
import { parseIpAddress } from '../ip-address.ts';
import type { PriceQuote } from '../lyceum-prices.ts';
import { mapVmState } from '../map-lyceum-state.ts';
import { decodeVmName, tagsFromVmName } from '../vm-name.ts';
import type { VmRecord } from './vm-api.ts';

/** The instance type of a VM record, as runctl spells it. */
export function vmInstanceType(vm: VmRecord): VmInstanceType {
  const profile = vm.hardwareProfile ?? 'unknown';
  return { mode: 'vm', profile, gpuCount: profile === 'cpu' ? undefined : vm.gpuCount };
}

/**
 * A VM record as a {@link ResourceStatus}. A `ready` VM without an IP is
 * reported as `starting` (raw `ready`): nothing can reach it yet.
 */
export function toVmStatus(vm: VmRecord, provider: string, price: PriceQuote | undefined): ResourceStatus {
  const markers = decodeVmName(vm.displayName);
  let state = mapVmState(vm.status);
  let endpoint: ReturnType<typeof parseIpAddress>;
  let message: string | undefined;
  try {
    endpoint = parseIpAddress(vm.ipAddress, provider);
  } catch (error) {
    message = (error as Error).message;
  }
  if (state === 'running' && endpoint === undefined) {
    state = 'starting';
    message ??= 'Ready, but Lyceum has not assigned an IP address yet.';
  }
  const spot = vm.instanceType === 'spot';
  const status: ResourceStatus = {
    id: vm.vmId,
    name: markers?.name ?? vm.displayName ?? vm.vmId,
    provider,
    state,
    raw: vm.status,
    instanceType: formatInstanceType(vmInstanceType(vm)),
    costPerHour: price === undefined ? 0 : spot ? (price.spotCostPerHour ?? price.costPerHour) : price.costPerHour,
    tags: tagsFromVmName(vm.displayName),
    spot,
  };
  if (message !== undefined) status.message = message;
  if (vm.createdAt !== undefined) status.launchTime = vm.createdAt;
  if (endpoint !== undefined) status.publicIp = endpoint.host;
  if (markers?.expiresAt !== undefined) status.expiresAt = markers.expiresAt;
  return status;
}
