import { randomBytes, randomUUID } from 'node:crypto';
import type { FakeMachineType, FakeSshEndpoint, FakeVm } from './fake-types.ts';
import { FAKE_ORG_ID, FAKE_USER_ID, isoMicros } from './fake-identity.ts';

/** Lifecycle settings of {@link VmStore}. */
export interface VmStoreSettings {
  pendingMs: number;
  ipDelayMs: number;
  readyStatus: 'ready' | 'running';
  sshEndpoint: FakeSshEndpoint | undefined;
  machineTypes: readonly FakeMachineType[];
}

interface VmRecord {
  ordinal: number;
  vmId: string;
  name: string;
  createdAtMs: number;
  hardwareProfile: string;
  gpuCount: number;
  instanceType: string;
  displayName: string | null;
  userPublicKey: string;
  instanceSpecs: Record<string, unknown>;
  neverReachable: boolean;
  terminatedAtMs: number | undefined;
}

/** Validated `POST /vms/create` body. */
export type CreateVmBody = Record<string, unknown>;

export type CreateVmResult = { ok: true; vmId: string } | { ok: false; detail: string };

/** GPU counts the API provisions; others get a 400 (skypilot-lyceum quirk C8). */
const ALLOWED_GPU_COUNTS = new Set([1, 2, 4, 8]);

/** Message of the real API's generic 400 for a bad create request. */
const INVALID_REQUEST = 'The instance request was invalid. Please check your parameters and try again.';

/**
 * The fake's VMs. State is derived from the clock rather than driven by
 * timers: pending, then provisioning, then ready, and the IP only
 * `ipDelayMs` after ready (Lyceum reports ready VMs with a null IP).
 * Terminated VMs stay listed forever, as on Lyceum.
 */
export class VmStore {
  readonly #settings: VmStoreSettings;
  readonly #vms = new Map<string, VmRecord>();
  #created = 0;
  #allNewUnreachable = false;

  constructor(settings: VmStoreSettings) {
    this.#settings = settings;
  }

  create(body: CreateVmBody): CreateVmResult {
    const profile = body['hardware_profile'] as string;
    const profiles = this.#settings.machineTypes.map((type) => type.hardware_profile);
    if (!profiles.includes(profile)) {
      return { ok: false, detail: `Unknown hardware_profile '${profile}'. Valid options: ${[...profiles].sort().join(', ')}` };
    }
    const specs = { ...((body['instance_specs'] as Record<string, unknown> | null) ?? {}) };
    const gpuCount = resolveGpuCount(profile, specs['gpu_count']);
    if (gpuCount === undefined) return { ok: false, detail: INVALID_REQUEST };

    const ordinal = this.#created++;
    const record: VmRecord = {
      ordinal,
      vmId: opaqueVmId(ordinal),
      name: `fake-production-vm-${randomBytes(6).toString('hex')}`,
      createdAtMs: Date.now(),
      hardwareProfile: profile,
      gpuCount,
      instanceType: body['instance_type'] as string,
      displayName: (body['display_name'] as string | null) ?? (body['name'] as string | null),
      userPublicKey: body['user_public_key'] as string,
      instanceSpecs: { ...specs, gpu_type: profile, gpu_count: gpuCount },
      neverReachable: this.#allNewUnreachable,
      terminatedAtMs: undefined,
    };
    this.#vms.set(record.vmId, record);
    return { ok: true, vmId: record.vmId };
  }

  has(id: string): boolean {
    return this.#vms.has(id);
  }

  isTerminated(id: string): boolean {
    return this.#vms.get(id)?.terminatedAtMs !== undefined;
  }

  /** Marks the VM terminated; false if it does not exist or already is. */
  terminate(id: string): boolean {
    const record = this.#vms.get(id);
    if (!record || record.terminatedAtMs !== undefined) return false;
    record.terminatedAtMs = Date.now();
    return true;
  }

  purge(id: string): void {
    this.#vms.delete(id);
  }

  /** `'all-new'` applies to VMs created from now on. */
  markNeverReachable(target: string): void {
    if (target === 'all-new') {
      this.#allNewUnreachable = true;
      return;
    }
    const record = this.#vms.get(target);
    if (!record) throw new Error(`fake Lyceum: no VM ${target}`);
    record.neverReachable = true;
  }

  /** The `POST /vms/create` response: top-level profile and count are null there, the values live in `instance_specs`. */
  createResponse(id: string): Record<string, unknown> {
    const record = this.#require(id);
    return {
      ...this.apiRecord(id),
      hardware_profile: null,
      gpu_count: null,
      // The create response carries a timestamp without a zone, unlike status and list.
      created_at: isoMicros(record.createdAtMs).replace(/Z$/, ''),
      status_check_url: `/api/v2/external/vms/${record.vmId}/status`,
      polling_message: `Instance is provisioning. Check status with GET /api/v2/external/vms/${record.vmId}/status.`,
    };
  }

  /** The record `GET /vms/{id}/status` and `GET /vms/list` return. */
  apiRecord(id: string): Record<string, unknown> {
    const record = this.#require(id);
    const now = Date.now();
    return {
      vm_id: record.vmId,
      status: this.#status(record, now),
      ip_address: this.#ipAddress(record, now),
      created_at: isoMicros(record.createdAtMs),
      instance_specs: { ...record.instanceSpecs },
      hardware_profile: record.hardwareProfile,
      gpu_count: record.gpuCount,
      instance_type: record.instanceType,
      name: record.name,
      display_name: record.displayName,
      uptime_seconds: Math.floor(this.#runningMs(record, now) / 1000),
      billed: this.#billed(record, now),
      croesus_billed: null,
      status_check_url: null,
      polling_message: null,
      user_id: FAKE_USER_ID,
      org_id: FAKE_ORG_ID,
    };
  }

  ids(): string[] {
    return [...this.#vms.keys()];
  }

  view(id: string): FakeVm | undefined {
    const record = this.#vms.get(id);
    if (!record) return undefined;
    const now = Date.now();
    return {
      vmId: record.vmId,
      status: this.#status(record, now),
      ipAddress: this.#ipAddress(record, now),
      displayName: record.displayName,
      hardwareProfile: record.hardwareProfile,
      gpuCount: record.gpuCount,
      instanceType: record.instanceType,
      userPublicKey: record.userPublicKey,
      instanceSpecs: { ...record.instanceSpecs },
      sshUser: this.#settings.sshEndpoint?.user ?? 'lyceum',
      createdAt: isoMicros(record.createdAtMs),
      neverReachable: record.neverReachable,
    };
  }

  #require(id: string): VmRecord {
    const record = this.#vms.get(id);
    if (!record) throw new Error(`fake Lyceum: no VM ${id}`);
    return record;
  }

  #status(record: VmRecord, now: number): string {
    if (record.terminatedAtMs !== undefined) return 'terminated';
    const age = now - record.createdAtMs;
    if (age < this.#settings.pendingMs / 2) return 'pending';
    if (age < this.#settings.pendingMs) return 'provisioning';
    return this.#settings.readyStatus;
  }

  #ipAddress(record: VmRecord, now: number): string | null {
    if (record.neverReachable) return null;
    const seenAt = Math.min(now, record.terminatedAtMs ?? now);
    if (seenAt - record.createdAtMs < this.#settings.pendingMs + this.#settings.ipDelayMs) return null;
    const endpoint = this.#settings.sshEndpoint;
    // TEST-NET-2 addresses: unique per VM and routed nowhere.
    if (!endpoint) return `198.51.100.${(record.ordinal % 254) + 1}`;
    return endpoint.port === 22 ? endpoint.host : `${endpoint.host}:${endpoint.port}`;
  }

  /** Time billed: from ready until now or termination. */
  #runningMs(record: VmRecord, now: number): number {
    const end = record.terminatedAtMs ?? now;
    return Math.max(0, end - record.createdAtMs - this.#settings.pendingMs);
  }

  #billed(record: VmRecord, now: number): number | null {
    if (now - record.createdAtMs < this.#settings.pendingMs) return null;
    const price = this.#settings.machineTypes.find((type) => type.hardware_profile === record.hardwareProfile)?.price_per_hour ?? 0;
    return Math.round(price * (this.#runningMs(record, now) / 3_600_000) * 1e6) / 1e6;
  }
}

/**
 * GPUs from `instance_specs.gpu_count`: CPU VMs have none; absent means 1;
 * Lyceum silently turns 0 into 1 (quirk C8); other values are refused.
 */
function resolveGpuCount(profile: string, requested: unknown): number | undefined {
  if (profile === 'cpu') return 0;
  if (requested === undefined || requested === null || requested === 0) return 1;
  if (typeof requested !== 'number' || !ALLOWED_GPU_COUNTS.has(requested)) return undefined;
  return requested;
}

/** VM ids are opaque: Lyceum returns undashed hex for some and dashed UUIDs for others (quirk C12). */
function opaqueVmId(ordinal: number): string {
  const uuid = randomUUID();
  return ordinal % 2 === 0 ? uuid.replaceAll('-', '') : uuid;
}
