/**
 * The seven normalized states of a resource, whatever its provider.
 * The provider's own state string is always kept next to it as `raw`.
 */
export type ResourceState =
  | 'running'
  | 'starting'
  | 'stopped'
  | 'terminating'
  | 'terminated'
  | 'error'
  | 'unknown';

/** Every {@link ResourceState}, in lifecycle order. */
export const RESOURCE_STATES: readonly ResourceState[] = [
  'starting',
  'running',
  'stopped',
  'terminating',
  'terminated',
  'error',
  'unknown',
];

/** States after which a resource never runs again. */
export function isFinalState(state: ResourceState): boolean {
  return state === 'terminated';
}
