import type { InstanceTypeSpec } from './instance-types.ts';

/**
 * Options of the fake AWS cloud. Every duration is in milliseconds of real
 * time; the defaults are short so tests stay fast (real AWS is far slower).
 */
export interface FakeAwsOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 0 (any free port). */
  port?: number;
  /** Default 'us-east-1'. */
  region?: string;
  /** Account id used in ARNs and error messages; default '123456789012'. */
  accountId?: string;
  /** Clock used for every state computation; default Date.now. Processes and timers still run in real time. */
  now?: () => number;
  /** Folder under which each instance gets its sandbox; default a new temp folder. */
  sandboxRoot?: string;
  /** Keep the sandbox folders after close() (for debugging); default false. */
  keepSandbox?: boolean;
  ec2?: FakeEc2Options;
  ssm?: FakeSsmOptions;
}

export interface FakeEc2Options {
  /** pending → running; default 150. */
  pendingMs?: number;
  /** shutting-down → terminated; default 150. */
  shuttingDownMs?: number;
  /** stopping → stopped; default 150. */
  stoppingMs?: number;
  /**
   * Eventual consistency: for this long after RunInstances the new instances
   * are unknown to every other call (InvalidInstanceID.NotFound). Default 0.
   */
  notFoundAfterLaunchMs?: number;
  /** How long terminated instances stay visible; default 1 hour (as AWS). */
  terminatedVisibleMs?: number;
  /** Lead time between a spot interruption notice and the termination; default 2000 (AWS: 2 minutes). */
  spotInterruptionNoticeMs?: number;
  /** Length of one minute of `shutdown +N` inside a sandbox; default 1000 (AWS: 60000). */
  shutdownMinuteMs?: number;
  /** Extra or replacement instance types (matched by name). */
  instanceTypes?: InstanceTypeSpec[];
  /** If set, only these AMI ids exist (InvalidAMIID.NotFound otherwise); default: any well-formed id. */
  imageIds?: string[];
  /** If set, only these instance profile names exist; default: any. */
  instanceProfiles?: string[];
  /** Availability zone letters used in the region; default ['a', 'b', 'c']. */
  availabilityZones?: string[];
  /** Run the instance's user data as a shell script once it is running (like cloud-init); default false. */
  runUserData?: boolean;
}

export interface FakeSsmOptions {
  /** How long after reaching `running` the agent registers (PingStatus Online); default 100. */
  onlineAfterMs?: number;
  /** Like AWS, an instance without an instance profile never registers; default true. */
  requireInstanceProfile?: boolean;
  /** GetCommandInvocation answers InvocationDoesNotExist for this long after SendCommand; default 0. */
  invocationVisibleAfterMs?: number;
  /** Pending → InProgress (the agent picking the command up); default 20. */
  deliveryDelayMs?: number;
  /** Length of one second of `executionTimeout` and `TimeoutSeconds`; default 1000. */
  executionTimeoutUnitMs?: number;
  /** Shell used as `<shell> -c <script>`; default 'sh' (as the SSM agent on Linux). */
  shell?: string;
  /** Extra environment for every command run on an instance. */
  env?: Record<string, string>;
  /** Parameters served by GetParameter, e.g. DLAMI ids. */
  parameters?: Record<string, string>;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  host: string;
  port: number;
  region: string;
  accountId: string;
  now: () => number;
  keepSandbox: boolean;
  ec2: Required<Omit<FakeEc2Options, 'imageIds' | 'instanceProfiles' | 'instanceTypes'>> &
    Pick<FakeEc2Options, 'imageIds' | 'instanceProfiles'> & { instanceTypes: InstanceTypeSpec[] };
  ssm: Required<FakeSsmOptions>;
}

export function resolveOptions(options: FakeAwsOptions, defaultTypes: InstanceTypeSpec[]): ResolvedOptions {
  const ec2 = options.ec2 ?? {};
  const ssm = options.ssm ?? {};
  const types = new Map(defaultTypes.map((t) => [t.name, t]));
  for (const t of ec2.instanceTypes ?? []) types.set(t.name, t);
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '123456789012',
    now: options.now ?? Date.now,
    keepSandbox: options.keepSandbox ?? false,
    ec2: {
      pendingMs: ec2.pendingMs ?? 150,
      shuttingDownMs: ec2.shuttingDownMs ?? 150,
      stoppingMs: ec2.stoppingMs ?? 150,
      notFoundAfterLaunchMs: ec2.notFoundAfterLaunchMs ?? 0,
      terminatedVisibleMs: ec2.terminatedVisibleMs ?? 3_600_000,
      spotInterruptionNoticeMs: ec2.spotInterruptionNoticeMs ?? 2000,
      shutdownMinuteMs: ec2.shutdownMinuteMs ?? 1000,
      availabilityZones: ec2.availabilityZones ?? ['a', 'b', 'c'],
      runUserData: ec2.runUserData ?? false,
      instanceTypes: [...types.values()],
      ...(ec2.imageIds ? { imageIds: ec2.imageIds } : {}),
      ...(ec2.instanceProfiles ? { instanceProfiles: ec2.instanceProfiles } : {}),
    },
    ssm: {
      onlineAfterMs: ssm.onlineAfterMs ?? 100,
      requireInstanceProfile: ssm.requireInstanceProfile ?? true,
      invocationVisibleAfterMs: ssm.invocationVisibleAfterMs ?? 0,
      deliveryDelayMs: ssm.deliveryDelayMs ?? 20,
      executionTimeoutUnitMs: ssm.executionTimeoutUnitMs ?? 1000,
      shell: ssm.shell ?? 'sh',
      env: ssm.env ?? {},
      parameters: ssm.parameters ?? {},
    },
  };
}
