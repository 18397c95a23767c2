import { RunctlError } from '@runctl/core';
import type { LyceumHttp } from '../lyceum-http.ts';

/** A VM as runctl reads it from `/vms/*` answers. */
export interface VmRecord {
  vmId: string;
  status: string;
  ipAddress: string | null;
  createdAt: Date | undefined;
  /** Falls back to `instance_specs`: the create answer has null top-level values. */
  hardwareProfile: string | undefined;
  gpuCount: number | undefined;
  /** `on-demand` or `spot`. */
  instanceType: string | undefined;
  displayName: string | null;
}

/** The body of `POST /vms/create`. */
export interface CreateVmBody {
  user_public_key: string;
  hardware_profile: string;
  instance_type: 'on-demand' | 'spot';
  display_name: string;
  instance_specs?: Record<string, unknown>;
}

/** Lyceum body fields → the runctl inputs they come from, for 422 messages. */
const CREATE_FIELDS: Readonly<Record<string, string>> = {
  hardware_profile: 'instanceType',
  instance_specs: 'options.instanceSpecs',
  display_name: 'options.name',
  instance_type: 'options.spot',
  user_public_key: 'settings.sshPublicKey',
};

/** The `/vms/*` endpoints. */
export interface VmApi {
  /** Sent once, never retried here: see `createVmOnce`. */
  create(body: CreateVmBody, signal?: AbortSignal): Promise<VmRecord>;
  status(id: string, signal?: AbortSignal): Promise<VmRecord>;
  /** One call for every VM. Terminated VMs stay listed forever on Lyceum, so they are asked for only when wanted. */
  list(options: { includeTerminated: boolean }, signal?: AbortSignal): Promise<VmRecord[]>;
  /** `DELETE /vms/{id}`. */
  remove(id: string, signal?: AbortSignal): Promise<void>;
}

export function createVmApi(http: LyceumHttp, provider: string): VmApi {
  const path = (id: string): string => `vms/${encodeURIComponent(id)}`;
  return {
    async create(body, signal) {
      const answer = await http.request<unknown>('POST', 'vms/create', { json: body, signal, fields: CREATE_FIELDS, badRequestField: 'instanceType' });
      return parseVm(answer, provider);
    },
    async status(id, signal) {
      return parseVm(await http.request<unknown>('GET', `${path(id)}/status`, { signal, idempotent: true }), provider);
    },
    async list({ includeTerminated }, signal) {
      const answer = await http.request<unknown>('GET', 'vms/list', {
        signal,
        idempotent: true,
        searchParams: { include_terminated: includeTerminated, include_failed: true },
      });
      const rows = Array.isArray(answer) ? answer : (answer as { vms?: unknown } | undefined)?.vms;
      if (!Array.isArray(rows)) throw malformed(provider, 'GET /vms/list');
      return rows.map((row) => parseVm(row, provider));
    },
    async remove(id, signal) {
      await http.request<unknown>('DELETE', path(id), { signal, idempotent: true });
    },
  };
}

/** Reads one VM object, tolerating the shapes Lyceum's endpoints disagree on. */
export function parseVm(value: unknown, provider: string): VmRecord {
  const row = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const specs = (typeof row['instance_specs'] === 'object' && row['instance_specs'] !== null ? row['instance_specs'] : {}) as Record<string, unknown>;
  const vmId = row['vm_id'] ?? row['id'];
  if (typeof vmId !== 'string' || vmId === '') throw malformed(provider, 'a VM record');
  const text = (key: string): string | undefined => (typeof row[key] === 'string' ? (row[key] as string) : undefined);
  const profile = text('hardware_profile') ?? (typeof specs['gpu_type'] === 'string' ? specs['gpu_type'] : undefined);
  const gpuCount = typeof specs['gpu_count'] === 'number' ? specs['gpu_count'] : typeof row['gpu_count'] === 'number' ? row['gpu_count'] : undefined;
  return {
    vmId,
    status: text('status') ?? 'unknown',
    ipAddress: text('ip_address') ?? null,
    createdAt: parseTime(text('created_at')),
    hardwareProfile: profile,
    gpuCount,
    instanceType: text('instance_type'),
    displayName: text('display_name') ?? text('name') ?? null,
  };
}

/** Lyceum timestamps; the create answer omits the zone, which is UTC. */
function parseTime(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const zoned = /([zZ]|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function malformed(provider: string, what: string): RunctlError {
  return new RunctlError({ code: 'PROVIDER', provider, retryable: true, message: `Lyceum answered with ${what} runctl cannot read.` });
}
