import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bucket } from './bucket.ts';
import { catalogRoutes, DEFAULT_MACHINE_TYPES } from './catalog-routes.ts';
import { API_BASE_PATH, createDispatcher } from './dispatch.ts';
import type { StreamCut } from './event-stream.ts';
import { executionRoutes, streamRoutes, type ExecutionRouteContext } from './execution-routes.ts';
import { ExecutionStore, toView } from './execution-store.ts';
import type { FakeCall, FakeLyceum, FakeLyceumOptions } from './fake-types.ts';
import { FaultInjector } from './fault-injector.ts';
import { createRouter, type Route } from './router.ts';
import { seededRandom } from './seeded-random.ts';
import { storageRoutes } from './storage-routes.ts';
import { vmRoutes } from './vm-routes.ts';
import { VmStore } from './vm-store.ts';

/**
 * Starts a stateful fake of Lyceum's external API (VMs and runs) on
 * 127.0.0.1 with an ephemeral port. It validates like the real FastAPI
 * service (422 `HTTPValidationError`, 401 `{"detail"}`), keeps VMs and runs
 * in memory, streams run output as deliberately fragmented SSE, and lets a
 * test inject faults. Child processes can use it through `url`.
 *
 * @example
 * ```ts
 * const fake = await startFakeLyceum({ sshEndpoint: { host: '127.0.0.1', port: sshd.port } });
 * const response = await fetch(`${fake.apiUrl}/machine-types`, { headers: { authorization: `Bearer ${fake.apiKey}` } });
 * await fake.close();
 * ```
 */
export async function startFakeLyceum(options: FakeLyceumOptions = {}): Promise<FakeLyceum> {
  const apiKey = options.apiKey ?? 'lk_test_key';
  const machineTypes = options.machineTypes ?? DEFAULT_MACHINE_TYPES;
  const bucket = new Bucket();
  const vms = new VmStore({
    pendingMs: options.vmPendingMs ?? 150,
    ipDelayMs: options.ipDelayMs ?? 100,
    readyStatus: options.vmReadyStatus ?? 'ready',
    sshEndpoint: options.sshEndpoint,
    machineTypes,
  });
  const executions = new ExecutionStore(
    { startDelayMs: options.runStartDelayMs ?? 20, durationMs: options.runDurationMs ?? 60 },
    options.script,
    (files) => bucket.putAll(files),
  );
  const faults = new FaultInjector();
  const calls: FakeCall[] = [];
  const cuts: Array<{ executionId: string | undefined; cut: StreamCut }> = [];
  let streamsOpened = 0;
  let origin = '';

  const context: ExecutionRouteContext = {
    store: executions,
    origin: () => origin,
    // Each stream gets its own seeded sequence, so its chunking is reproducible.
    streamSettings: () => ({
      random: seededRandom((options.streamSeed ?? 1) * 7919 + streamsOpened++),
      writeGapMs: options.streamWriteGapMs ?? 1,
      lineEnding: options.sseLineEnding ?? '\n',
      pingMs: options.ssePingMs ?? 15_000,
    }),
    takeStreamCut: (executionId) => {
      const index = cuts.findIndex((entry) => entry.executionId === undefined || entry.executionId === executionId);
      return index === -1 ? undefined : cuts.splice(index, 1)[0]?.cut;
    },
  };
  const apiRoutes: Route[] = [...vmRoutes(vms), ...executionRoutes(context), ...storageRoutes(bucket), ...catalogRoutes(machineTypes)];
  const dispatch = createDispatcher({
    route: createRouter([...apiRoutes.map((route) => ({ ...route, pattern: `${API_BASE_PATH}${route.pattern}` })), ...streamRoutes(context)]),
    faults,
    calls,
    apiKey,
    streamRequiresAuth: options.streamRequiresAuth ?? false,
  });

  const server = createServer((request, response) => {
    dispatch(request, response).catch(() => request.socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    apiUrl: `${origin}${API_BASE_PATH}`,
    apiKey,
    get vms() {
      return vms.ids().flatMap((id) => vms.view(id) ?? []);
    },
    get executions() {
      return executions.views();
    },
    get files() {
      return bucket.views();
    },
    calls,
    vm: (id) => vms.view(id),
    execution: (id) => {
      const run = executions.get(id);
      return run ? toView(run) : undefined;
    },
    failNext: (match, fault, times = 1) => faults.arm(match, fault, times),
    neverReachable: (target) => vms.markNeverReachable(target),
    deleteVm: (id, deleteOptions) => {
      if (!vms.has(id)) throw new Error(`fake Lyceum: no VM ${id}`);
      vms.terminate(id);
      if (deleteOptions?.purge) vms.purge(id);
    },
    scriptExecution: (handler) => executions.setHandler(handler),
    dropStreamAfter: (frames, dropOptions = {}) => {
      cuts.push({
        executionId: dropOptions.executionId,
        cut: { frames, partialFrame: dropOptions.partialFrame ?? true, reset: dropOptions.reset ?? false },
      });
    },
    putFile: (key, content) => bucket.put(key, content),
    close: async () => {
      executions.dispose();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
