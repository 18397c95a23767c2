import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeCall } from './fake-call.ts';
import { removePod, type FakeState } from './fake-state.ts';
import { FaultQueue, type FakeFault, type FaultMatch } from './faults.ts';
import { DEFAULT_GPU_CATALOG, type FakeGpuType } from './gpu-catalog.ts';
import { LogBuffer, type LogSource } from './log-buffer.ts';
import type { PodRecord, PodStatus } from './pod-record.ts';
import { renderPod, type PodView, type SshEndpoint } from './pod-view.ts';
import { DEFAULT_RATE_LIMITS, RateLimitMeter, type RateLimitQuotas } from './rate-limit.ts';
import { createRequestListener } from './request-listener.ts';

export interface FakeRunpodOptions {
  /** Accepted bearer key (default `'rp_test_key'`). */
  readonly apiKey?: string;
  /** What `ssh.direct` reports for RUNNING pods exposing `22/tcp`; default a fake 203.0.113.10 address. */
  readonly sshEndpoint?: SshEndpoint;
  /** Time spent in PROVISIONING after create (default 150 ms). */
  readonly provisioningMs?: number;
  /** Time spent in STARTING before RUNNING (default 150 ms). */
  readonly startingMs?: number;
  /** GPU types, prices and stock (default `DEFAULT_GPU_CATALOG`). */
  readonly gpuCatalog?: readonly FakeGpuType[];
  /** Account balance in USD; a pod whose hourly cost exceeds it gets 402 (default 100). */
  readonly balance?: number;
  /** Keys registered before the test starts (default none). */
  readonly sshKeys?: readonly string[];
  /** Per-window quotas, enforced with 429 (default the spec's 60/min, 3000/h, 50000/day). */
  readonly rateLimits?: Partial<RateLimitQuotas>;
  /** Clock for lifecycle timing, log timestamps and rate-limit windows (default `Date.now`). */
  readonly now?: () => number;
}

/** A pod as `GET /v2/pods/{id}` would show it now, plus what only GraphQL spot pods carry. */
export type FakePodSnapshot = PodView & {
  readonly interruptible: boolean;
  readonly bidPerGpu: number | null;
};

export interface FakeRunpod {
  /** Base URL: REST at `${url}/v2/...`, GraphQL at `${url}/graphql`. */
  readonly url: string;
  readonly apiKey: string;
  /** Current pods by id, rendered at the time of access. */
  readonly pods: ReadonlyMap<string, FakePodSnapshot>;
  readonly sshKeys: readonly string[];
  /** Every request received, in order. */
  readonly calls: readonly FakeCall[];
  /** Makes the next `times` (default 1) requests matching `match` fail with `fault`. */
  failNext(match: FaultMatch, fault: FakeFault, times?: number): void;
  /** Keeps one pod, or every pod created from now on (`'all-new'`), in PROVISIONING. */
  stickInProvisioning(target: string): void;
  /** The pod vanishes as if terminated outside the SDK; returns false if it did not exist. */
  deletePod(id: string): boolean;
  /** Forces a status (e.g. EXITED, ERROR); RUNNING restarts uptime from now. */
  setStatus(id: string, status: PodStatus): void;
  /** Adds a line for the logs SSE endpoint (default source `container`). */
  appendLog(id: string, line: string, source?: LogSource): void;
  close(): Promise<void>;
}

export async function startFakeRunpod(options: FakeRunpodOptions = {}): Promise<FakeRunpod> {
  const now = options.now ?? Date.now;
  const state: FakeState = {
    apiKey: options.apiKey ?? 'rp_test_key',
    sshEndpoint: options.sshEndpoint,
    provisioningMs: options.provisioningMs ?? 150,
    startingMs: options.startingMs ?? 150,
    catalog: options.gpuCatalog ?? DEFAULT_GPU_CATALOG,
    balance: options.balance ?? 100,
    now,
    pods: new Map(),
    sshKeys: [...(options.sshKeys ?? [])],
    stickNewPods: false,
    logs: new LogBuffer(),
    faults: new FaultQueue(),
    calls: [],
    rateLimit: new RateLimitMeter({ ...DEFAULT_RATE_LIMITS, ...options.rateLimits }, now),
  };
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer(createRequestListener(state, timers));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const requirePod = (id: string): PodRecord => {
    const pod = state.pods.get(id);
    if (!pod) throw new Error(`RunPod fake: no pod '${id}'`);
    return pod;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey: state.apiKey,
    get pods() {
      const at = now();
      return new Map(
        [...state.pods.values()].map((pod) => [
          pod.id,
          { ...renderPod(pod, at, state.sshEndpoint), interruptible: pod.interruptible, bidPerGpu: pod.bidPerGpu },
        ]),
      );
    },
    get sshKeys() {
      return state.sshKeys;
    },
    get calls() {
      return state.calls;
    },
    failNext(match, fault, times = 1) {
      state.faults.add(match, fault, times);
    },
    stickInProvisioning(target) {
      if (target === 'all-new') state.stickNewPods = true;
      else requirePod(target).phase = { kind: 'stuck' };
    },
    deletePod(id) {
      return removePod(state, id);
    },
    setStatus(id, status) {
      requirePod(id).phase = { kind: 'fixed', status, since: now() };
    },
    appendLog(id, line, source = 'container') {
      requirePod(id);
      state.logs.append(id, line, source, now());
    },
    async close() {
      state.logs.endAll();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
