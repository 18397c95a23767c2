import { randomBytes } from 'node:crypto';
import type { FakeState } from './fake-state.ts';
import { newHexSuffix, newPodId } from './pod-id.ts';
import type { PodRecord } from './pod-record.ts';

export type NewPod = Omit<PodRecord, 'id' | 'proxyUsername' | 'createdAt' | 'phase' | 'locked'> & {
  /** Injects `PUBLIC_KEY` from the account's keys; does nothing when none are registered. */
  readonly startSsh: boolean;
  /** Injects a generated `JUPYTER_PASSWORD`. */
  readonly startJupyter: boolean;
};

/** Stores a new pod at the start of its lifecycle (REST create and GraphQL spot create alike). */
export function addPod(state: FakeState, pod: NewPod): PodRecord {
  const { startSsh, startJupyter, ...fields } = pod;
  const env = { ...fields.env };
  // Both flags leave a value the request set itself alone (CreatePodRequest docs).
  if (startSsh && state.sshKeys.length > 0) env['PUBLIC_KEY'] ??= state.sshKeys.join('\n');
  if (startJupyter) env['JUPYTER_PASSWORD'] ??= randomBytes(8).toString('hex');
  const id = newPodId();
  const now = state.now();
  const record: PodRecord = {
    ...fields,
    env,
    id,
    locked: false,
    proxyUsername: `${id}-${newHexSuffix()}`,
    createdAt: now,
    phase: state.stickNewPods
      ? { kind: 'stuck' }
      : { kind: 'booting', since: now, provisioningMs: state.provisioningMs, startingMs: state.startingMs },
  };
  state.pods.set(id, record);
  return record;
}
