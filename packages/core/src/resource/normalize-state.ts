import type { ResourceState } from './resource-state.ts';

/** A provider's own raw-state → state table, consulted before the shared one. */
export type StateMap = Readonly<Record<string, ResourceState>>;

const SHARED_TABLE: StateMap = {
  running: 'running',
  active: 'running',
  ready: 'running',
  pending: 'starting',
  starting: 'starting',
  initializing: 'starting',
  provisioning: 'starting',
  stopping: 'stopped',
  stopped: 'stopped',
  terminating: 'terminating',
  'shutting-down': 'terminating',
  terminated: 'terminated',
};

/**
 * Maps a provider's raw state string to a {@link ResourceState}.
 *
 * The lookup is case-insensitive and trims whitespace. `providerMap` is
 * consulted first, then the shared table; anything containing `error` or
 * `failed` is `error`, and anything else is `unknown`.
 *
 * @example
 * ```ts
 * normalizeState('EXITED', { exited: 'stopped' }); // 'stopped'
 * normalizeState('shutting-down');                  // 'terminating'
 * normalizeState('boot_failed');                    // 'error'
 * ```
 */
export function normalizeState(raw: string, providerMap?: StateMap): ResourceState {
  const key = raw.trim().toLowerCase();
  if (providerMap !== undefined) {
    for (const [candidate, state] of Object.entries(providerMap)) {
      if (candidate.toLowerCase() === key) return state;
    }
  }
  // Own keys only: `__proto__` or `constructor` must not find Object.prototype's.
  if (Object.hasOwn(SHARED_TABLE, key)) return SHARED_TABLE[key] as ResourceState;
  if (key.includes('error') || key.includes('failed')) return 'error';
  return 'unknown';
}
