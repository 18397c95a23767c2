/**
 * The fake EC2 instance and its lifecycle. State is never stored: it is
 * computed from timestamps (launch time plus scheduled transitions), so any
 * clock gives consistent answers without timers.
 */
export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export interface StateReason {
  code: string;
  message: string;
}

export const REASONS = {
  pending: { code: 'pending', message: 'pending' },
  user: { code: 'Client.UserInitiatedShutdown', message: 'Client.UserInitiatedShutdown: User initiated shutdown' },
  instance: {
    code: 'Client.InstanceInitiatedShutdown',
    message: 'Client.InstanceInitiatedShutdown: Instance initiated shutdown',
  },
  spotTerminate: {
    code: 'Server.SpotInstanceTermination',
    message: 'Server.SpotInstanceTermination: Spot instance termination',
  },
  spotStop: { code: 'Server.SpotInstanceShutdown', message: 'Server.SpotInstanceShutdown: Spot instance shutdown' },
} satisfies Record<string, StateReason>;

/** A stop or termination that starts at `at` (possibly in the future). */
export interface Transition {
  at: number;
  kind: 'terminate' | 'stop';
  reason: StateReason;
  /** `StateTransitionReason`, e.g. "User initiated (2026-01-01 10:00:00 GMT)". */
  text: string;
  /** Who asked: used to cancel a `shutdown -c` or replace a spot notice. */
  source: 'api' | 'instance' | 'spot';
}

export interface FakeVolume {
  volumeId: string;
  size: number;
  volumeType: string;
  encrypted: boolean;
  deleteOnTermination: boolean;
  deviceName: string;
  availabilityZone: string;
  createdAt: number;
  tags: Map<string, string>;
  instanceId: string;
  /** Set once the volume is gone (deleted with its instance). */
  deletedAt?: number;
}

export interface SpotOptions {
  spotInstanceType: 'one-time' | 'persistent';
  interruptionBehavior: 'terminate' | 'stop' | 'hibernate';
  maxPrice?: string;
}

export interface MetadataOptions {
  httpTokens: 'optional' | 'required';
  httpPutResponseHopLimit: number;
  httpEndpoint: 'enabled' | 'disabled';
  instanceMetadataTags: 'enabled' | 'disabled';
}

export interface FakeInstance {
  instanceId: string;
  reservationId: string;
  amiLaunchIndex: number;
  imageId: string;
  instanceType: string;
  launchedAt: number;
  clientToken: string;
  availabilityZone: string;
  privateIp: string;
  subnetId: string;
  vpcId: string;
  keyName?: string;
  tags: Map<string, string>;
  /** Base64, exactly as received. */
  userData?: string;
  iamInstanceProfile?: { arn: string; id: string; name: string };
  spot?: SpotOptions & { requestId: string };
  shutdownBehavior: 'stop' | 'terminate';
  metadataOptions: MetadataOptions;
  volumeIds: string[];
  transitions: Transition[];
  /** Folder standing in for the instance's disk (commands run here). */
  sandboxDir: string;
  /** Spot interruption notice (what IMDS `spot/instance-action` returns), once issued. */
  spotNotice?: { action: 'terminate' | 'stop' | 'hibernate'; time: string };
}

export interface LifecycleTiming {
  pendingMs: number;
  shuttingDownMs: number;
  stoppingMs: number;
}

export interface InstanceStateView {
  name: InstanceStateName;
  code: number;
  reason?: StateReason;
  transitionText: string;
  /** When the current transition started (for terminate: shutting-down start). */
  transition?: Transition;
}

/**
 * The transition in effect at `now`. Transitions apply in time order; once a
 * termination has started nothing overrides it, and a second stop is a no-op.
 */
export function activeTransition(inst: FakeInstance, now: number): Transition | undefined {
  let active: Transition | undefined;
  const started = inst.transitions.filter((t) => t.at <= now).sort((a, b) => a.at - b.at);
  for (const t of started) {
    if (active?.kind === 'terminate') break;
    if (active?.kind === 'stop' && t.kind === 'stop') continue;
    active = t;
  }
  return active;
}

export function instanceState(inst: FakeInstance, now: number, timing: LifecycleTiming): InstanceStateView {
  const t = activeTransition(inst, now);
  if (!t) {
    const name: InstanceStateName = now < inst.launchedAt + timing.pendingMs ? 'pending' : 'running';
    return {
      name,
      code: STATE_CODES[name],
      ...(name === 'pending' ? { reason: REASONS.pending } : {}),
      transitionText: '',
    };
  }
  const elapsed = now - t.at;
  const name: InstanceStateName =
    t.kind === 'terminate'
      ? elapsed < timing.shuttingDownMs ? 'shutting-down' : 'terminated'
      : elapsed < timing.stoppingMs ? 'stopping' : 'stopped';
  return { name, code: STATE_CODES[name], reason: t.reason, transitionText: t.text, transition: t };
}

/** Time at which the instance reached `terminated`, if it has. */
export function terminatedAt(inst: FakeInstance, now: number, timing: LifecycleTiming): number | undefined {
  const view = instanceState(inst, now, timing);
  return view.name === 'terminated' && view.transition ? view.transition.at + timing.shuttingDownMs : undefined;
}

/** Schedules a stop/termination; ignored once the instance is going away. */
export function addTransition(inst: FakeInstance, transition: Transition, now: number, timing: LifecycleTiming): void {
  const current = instanceState(inst, now, timing).name;
  if (current === 'shutting-down' || current === 'terminated') return;
  inst.transitions.push(transition);
}

/** `shutdown -c`: drops the instance's own shutdowns that have not started yet. */
export function cancelPendingShutdowns(inst: FakeInstance, now: number): void {
  inst.transitions = inst.transitions.filter((t) => t.source !== 'instance' || t.at <= now);
}

export function userDataText(inst: FakeInstance): string | undefined {
  return inst.userData === undefined ? undefined : Buffer.from(inst.userData, 'base64').toString('utf8');
}

/** "User initiated (2026-11-26 10:57:21 GMT)", the format of StateTransitionReason. */
export function transitionText(prefix: string, at: number): string {
  const iso = new Date(at).toISOString();
  return `${prefix} (${iso.slice(0, 10)} ${iso.slice(11, 19)} GMT)`;
}
