import { mkdirSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeAwsClientConfig, fakeAwsEnv, type FakeAwsClientConfig } from './client-config.ts';
import { resolveOptions, type FakeAwsOptions } from './fake-aws-options.ts';
import { createFakeAwsServer } from './fake-aws-server.ts';
import { DenialLedger } from './fake-sts.ts';
import { FakeCloud } from './fake-cloud.ts';
import { userDataText, type FakeInstance, type InstanceStateName, type StateReason } from './fake-ec2-instances.ts';
import { FaultQueue, type CallMatcher, type FakeAwsCall, type FakeFault } from './faults.ts';
import { DEFAULT_INSTANCE_TYPES } from './instance-types.ts';
import { SsmCommandRunner, type InvocationStatus } from './ssm-commands.ts';

/** Snapshot of an instance, for assertions. */
export interface FakeInstanceInfo {
  instanceId: string;
  reservationId: string;
  state: InstanceStateName;
  stateReason?: StateReason;
  /** False while hidden by eventual consistency or after terminated instances expire. */
  visible: boolean;
  imageId: string;
  instanceType: string;
  launchTime: Date;
  clientToken: string;
  tags: Record<string, string>;
  volumes: Array<{ volumeId: string; deviceName: string; size: number; volumeType: string; tags: Record<string, string> }>;
  /** Base64, exactly as received. */
  userData?: string;
  /** The decoded user data. */
  userDataText?: string;
  iamInstanceProfile?: { arn: string; id: string; name: string };
  instanceLifecycle?: 'spot';
  spotOptions?: { spotInstanceType: string; interruptionBehavior: string; maxPrice?: string; requestId: string };
  shutdownBehavior: 'stop' | 'terminate';
  metadataOptions: { httpTokens: string; httpPutResponseHopLimit: number; httpEndpoint: string; instanceMetadataTags: string };
  /** Folder standing in for the instance disk (cwd and HOME of SSM commands). */
  sandboxDir: string;
  spotNotice?: { action: string; time: string };
}

/** Snapshot of an SSM command, with full (untruncated) output. */
export interface FakeCommandInfo {
  commandId: string;
  documentName: string;
  parameters: Record<string, string[]>;
  requestedAt: Date;
  invocations: Array<{
    instanceId: string;
    status: InvocationStatus;
    statusDetails: string;
    responseCode: number;
    stdout: string;
    stderr: string;
  }>;
}

export interface FakeAws {
  /** `http://127.0.0.1:<port>`: one endpoint for both EC2 and SSM. */
  readonly endpoint: string;
  readonly region: string;
  /** Folder holding one sandbox per instance. */
  readonly sandboxRoot: string;
  /** Every request received, in order; SDK retries show up as separate calls. */
  readonly calls: readonly FakeAwsCall[];
  /** Calls of one action (e.g. 'RunInstances'). */
  callsTo(action: string): FakeAwsCall[];
  /** `{ region, endpoint, credentials }` for EC2Client / SSMClient. */
  clientConfig(): FakeAwsClientConfig;
  /** Environment variables that point a subprocess's SDK at the fake. */
  env(): Record<string, string>;
  instances(): FakeInstanceInfo[];
  instance(instanceId: string): FakeInstanceInfo | undefined;
  commands(): FakeCommandInfo[];
  /** Makes the next `times` matching calls fail with `fault` (default once). */
  failNext(match: CallMatcher, fault: FakeFault, times?: number): void;
  clearFaults(): void;
  /** Spot interruption: IMDS notice now, stop/termination after `noticeMs` (default ec2.spotInterruptionNoticeMs). */
  interruptSpot(instanceId: string, options?: { noticeMs?: number }): void;
  /** As if `shutdown -h` ran on the instance, after `delayMs` (default 0). */
  instanceShutdown(instanceId: string, options?: { delayMs?: number }): void;
  /** A value for SSM GetParameter. */
  setParameter(name: string, value: string): void;
  /** IMDS endpoint of an instance (AWS_EC2_METADATA_SERVICE_ENDPOINT inside its commands). */
  imdsEndpoint(instanceId: string): Promise<string>;
  /** Stops the server, kills every sandbox process, removes the sandboxes it created. */
  close(): Promise<void>;
}

export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const resolved = resolveOptions(options, DEFAULT_INSTANCE_TYPES);
  const ownSandbox = options.sandboxRoot === undefined;
  const sandboxRoot = options.sandboxRoot ?? mkdtempSync(join(tmpdir(), 'runctl-fake-aws-'));
  mkdirSync(sandboxRoot, { recursive: true });
  const cloud = new FakeCloud(resolved, sandboxRoot);
  const runner = new SsmCommandRunner(cloud);
  const faults = new FaultQueue();
  const calls: FakeAwsCall[] = [];
  const server = createFakeAwsServer({ cloud, runner, faults, calls, denials: new DenialLedger() });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${resolved.host}:${port}`;
  let closed: Promise<void> | undefined;

  return {
    endpoint,
    region: resolved.region,
    sandboxRoot,
    calls,
    callsTo: (action) => calls.filter((c) => c.action === action),
    clientConfig: () => fakeAwsClientConfig(endpoint, resolved.region),
    env: () => fakeAwsEnv(endpoint, resolved.region),
    instances: () => [...cloud.instances.values()].map((inst) => instanceInfo(cloud, inst)),
    instance: (id) => {
      const inst = cloud.instances.get(id);
      return inst && instanceInfo(cloud, inst);
    },
    commands: () =>
      [...runner.commands.values()].map((c) => ({
        commandId: c.commandId,
        documentName: c.documentName,
        parameters: c.parameters,
        requestedAt: new Date(c.requestedAt),
        invocations: [...c.invocations.values()].map((i) => ({
          instanceId: i.instanceId,
          status: i.status,
          statusDetails: i.statusDetails,
          responseCode: i.responseCode,
          stdout: i.stdout,
          stderr: i.stderr,
        })),
      })),
    failNext: (match, fault, times = 1) => faults.add(match, fault, times),
    clearFaults: () => faults.clear(),
    interruptSpot: (id, opts) => cloud.interruptSpot(id, opts?.noticeMs),
    instanceShutdown: (id, opts) => cloud.instanceShutdown(id, opts?.delayMs ?? 0),
    setParameter: (name, value) => void cloud.parameters.set(name, value),
    imdsEndpoint: (id) => cloud.imdsEndpoint(cloud.require(id)),
    close: () => {
      closed ??= (async () => {
        runner.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await cloud.close(resolved.keepSandbox || !ownSandbox);
      })();
      return closed;
    },
  };
}

function instanceInfo(cloud: FakeCloud, inst: FakeInstance): FakeInstanceInfo {
  const now = cloud.now();
  const state = cloud.state(inst, now);
  const text = userDataText(inst);
  return {
    instanceId: inst.instanceId,
    reservationId: inst.reservationId,
    state: state.name,
    ...(state.reason ? { stateReason: state.reason } : {}),
    visible: cloud.isVisible(inst, now),
    imageId: inst.imageId,
    instanceType: inst.instanceType,
    launchTime: new Date(inst.launchedAt),
    clientToken: inst.clientToken,
    tags: Object.fromEntries(inst.tags),
    volumes: inst.volumeIds.flatMap((id) => {
      const v = cloud.volumes.get(id);
      return v
        ? [{ volumeId: v.volumeId, deviceName: v.deviceName, size: v.size, volumeType: v.volumeType, tags: Object.fromEntries(v.tags) }]
        : [];
    }),
    ...(inst.userData !== undefined ? { userData: inst.userData } : {}),
    ...(text !== undefined ? { userDataText: text } : {}),
    ...(inst.iamInstanceProfile ? { iamInstanceProfile: { ...inst.iamInstanceProfile } } : {}),
    ...(inst.spot
      ? {
          instanceLifecycle: 'spot' as const,
          spotOptions: {
            spotInstanceType: inst.spot.spotInstanceType,
            interruptionBehavior: inst.spot.interruptionBehavior,
            requestId: inst.spot.requestId,
            ...(inst.spot.maxPrice !== undefined ? { maxPrice: inst.spot.maxPrice } : {}),
          },
        }
      : {}),
    shutdownBehavior: inst.shutdownBehavior,
    metadataOptions: { ...inst.metadataOptions },
    sandboxDir: inst.sandboxDir,
    ...(inst.spotNotice ? { spotNotice: { ...inst.spotNotice } } : {}),
  };
}
