import type { FakeCall } from './fake-call.ts';
import type { FaultQueue } from './faults.ts';
import type { FakeGpuType } from './gpu-catalog.ts';
import type { LogBuffer } from './log-buffer.ts';
import type { PodRecord } from './pod-record.ts';
import type { SshEndpoint } from './pod-view.ts';
import type { RateLimitMeter } from './rate-limit.ts';

/** Everything one fake server instance knows; routes read and mutate it. */
export interface FakeState {
  readonly apiKey: string;
  readonly sshEndpoint: SshEndpoint | undefined;
  readonly provisioningMs: number;
  readonly startingMs: number;
  readonly catalog: readonly FakeGpuType[];
  readonly balance: number;
  readonly now: () => number;
  readonly pods: Map<string, PodRecord>;
  sshKeys: readonly string[];
  /** `stickInProvisioning('all-new')`. */
  stickNewPods: boolean;
  readonly logs: LogBuffer;
  readonly faults: FaultQueue;
  readonly calls: FakeCall[];
  readonly rateLimit: RateLimitMeter;
}

/** Terminates a pod: it leaves the store and its log streams end. */
export function removePod(state: FakeState, id: string): boolean {
  const existed = state.pods.delete(id);
  if (existed) state.logs.endPod(id);
  return existed;
}
