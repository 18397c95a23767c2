import type { PodPhase, PodStatus } from './pod-record.ts';

export interface LifecycleState {
  readonly status: PodStatus;
  /** When the container became healthy; null unless RUNNING. */
  readonly runningSince: number | null;
}

export function lifecycleAt(phase: PodPhase, now: number): LifecycleState {
  switch (phase.kind) {
    case 'stuck':
      return { status: 'PROVISIONING', runningSince: null };
    case 'fixed':
      return { status: phase.status, runningSince: phase.status === 'RUNNING' ? phase.since : null };
    case 'booting': {
      const elapsed = now - phase.since;
      if (elapsed < phase.provisioningMs) return { status: 'PROVISIONING', runningSince: null };
      if (elapsed < phase.provisioningMs + phase.startingMs) return { status: 'STARTING', runningSince: null };
      return { status: 'RUNNING', runningSince: phase.since + phase.provisioningMs + phase.startingMs };
    }
  }
}

export type PodActionName = 'start' | 'stop' | 'restart' | 'terminate';

/** The spec's table (podAction description); TERMINATED pods allow nothing. */
const ACTIONS_BY_STATUS: Readonly<Record<PodStatus, readonly PodActionName[]>> = {
  PROVISIONING: ['stop', 'terminate'],
  STARTING: ['stop', 'terminate'],
  RUNNING: ['stop', 'restart', 'terminate'],
  EXITED: ['start', 'terminate'],
  ERROR: ['start', 'terminate'],
  TERMINATED: [],
};

export function actionsFor(status: PodStatus): readonly PodActionName[] {
  return ACTIONS_BY_STATUS[status];
}
