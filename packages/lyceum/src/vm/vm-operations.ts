import { InvalidInputError, RunctlError, type ResolvedRetryPolicy, type ResourceStatus } from '@runctl/core';
import type { SshKeyPair } from '@runctl/agent';
import { GPU_COUNTS, type VmInstanceType } from '../instance-type.ts';
import type { PriceBook } from '../lyceum-prices.ts';
import { encodeVmName, newVmNonce } from '../vm-name.ts';
import { createVmOnce } from './create-vm-once.ts';
import type { CreateVmBody, VmApi, VmRecord } from './vm-api.ts';
import type { VmDataPlane } from './vm-data-plane.ts';
import { toVmStatus, vmInstanceType } from './vm-status.ts';

/** `instance_specs` as runctl passes them through (`gpu_count` is checked). */
export type InstanceSpecs = Readonly<Record<string, string | number | boolean>>;

/** Validated options of a VM creation. */
export interface CreateVmOptions {
  name?: string | undefined;
  maxLifetime?: number | undefined;
  spot?: boolean | undefined;
  instanceSpecs?: InstanceSpecs | undefined;
  signal?: AbortSignal | undefined;
}

/** What {@link createVmOperations} needs. */
export interface VmOperationsConfig {
  provider: string;
  vms: VmApi;
  prices: PriceBook;
  plane: VmDataPlane;
  sshKey: () => Promise<SshKeyPair>;
  retry: ResolvedRetryPolicy;
}

/** The VM control plane: create, status, list, terminate. */
export function createVmOperations(config: VmOperationsConfig) {
  const { provider, vms, prices } = config;
  const toStatus = async (vm: VmRecord, signal?: AbortSignal): Promise<ResourceStatus> =>
    toVmStatus(vm, provider, await prices.quote(vmInstanceType(vm), signal).catch(() => undefined));

  return {
    async create(type: VmInstanceType, options: CreateVmOptions): Promise<ResourceStatus> {
      const specs = instanceSpecs(type, options.instanceSpecs, provider);
      const key = await config.sshKey();
      const nonce = newVmNonce();
      const createdAt = new Date();
      const name = options.name ?? `${type.profile}-${nonce.slice(0, 6)}`;
      const expiresAt = options.maxLifetime === undefined ? undefined : new Date(createdAt.getTime() + options.maxLifetime);
      const body: CreateVmBody = {
        user_public_key: key.publicKey,
        hardware_profile: type.profile,
        // Always explicit: spot and on-demand are billed differently, never leave it to a server default.
        instance_type: options.spot ? 'spot' : 'on-demand',
        display_name: encodeVmName({ nonce, name, createdAt, ...(expiresAt ? { expiresAt } : {}) }),
      };
      if (specs !== undefined) body.instance_specs = specs;
      const vm = await createVmOnce(vms, body, { provider, retry: config.retry, signal: options.signal });
      return toStatus({ ...vm, displayName: vm.displayName ?? body.display_name, instanceType: vm.instanceType ?? body.instance_type }, options.signal);
    },

    async status(id: string, signal?: AbortSignal): Promise<ResourceStatus> {
      return toStatus(await vms.status(id, signal), signal);
    },

    /** One `/vms/list` call; terminated VMs (listed forever by Lyceum) only when the filter asks. */
    async list(filter: { ids?: readonly string[] | undefined; states?: readonly string[] | undefined }, signal?: AbortSignal): Promise<ResourceStatus[]> {
      const includeTerminated = filter.ids !== undefined || filter.states?.includes('terminated') === true;
      const records = (await vms.list({ includeTerminated }, signal)).filter((vm) => filter.ids === undefined || filter.ids.includes(vm.vmId));
      const statuses = await Promise.all(records.map((vm) => toStatus(vm, signal)));
      return statuses.filter((status) => includeTerminated || status.state !== 'terminated');
    },

    /** `DELETE /vms/{id}`; an already gone VM counts as terminated. */
    async terminate(id: string, signal?: AbortSignal): Promise<void> {
      try {
        await vms.remove(id, signal);
      } catch (error) {
        if (!RunctlError.hasCode(error, 'NOT_FOUND')) throw error;
      }
      await config.plane.forget(id);
    },
  };
}

/** `instance_specs` to send: the user's, with `gpu_count` from the instance type, checked (never clamped). */
function instanceSpecs(type: VmInstanceType, given: InstanceSpecs | undefined, provider: string): Record<string, unknown> | undefined {
  const specs: Record<string, unknown> = { ...given };
  const requested = specs['gpu_count'];
  if (requested !== undefined) {
    if (type.profile === 'cpu' || typeof requested !== 'number' || !GPU_COUNTS.includes(requested)) {
      throw new InvalidInputError({
        field: 'options.instanceSpecs.gpu_count',
        provider,
        message: `Invalid options.instanceSpecs.gpu_count: ${type.profile === 'cpu' ? 'cpu VMs have no GPUs' : 'Lyceum VMs have 1, 2, 4 or 8 GPUs (0 would silently become a billed 1)'}.`,
      });
    }
    if (type.gpuCount !== undefined && type.gpuCount !== requested) {
      throw new InvalidInputError({ field: 'options.instanceSpecs.gpu_count', provider, message: `Invalid options.instanceSpecs.gpu_count: ${requested} contradicts the instance type's ${type.gpuCount}.` });
    }
  }
  if (type.gpuCount !== undefined) specs['gpu_count'] = type.gpuCount;
  return Object.keys(specs).length > 0 ? specs : undefined;
}
