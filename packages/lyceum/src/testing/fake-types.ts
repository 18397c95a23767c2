/** Where ready VMs of the fake say they can be reached over SSH. */
export interface FakeSshEndpoint {
  host: string;
  port: number;
  /** Login the test should use; not reported by the API (Lyceum's real user is `lyceum`). */
  user?: string;
}

/** One row of `GET /machine-types`. */
export interface FakeMachineType {
  hardware_profile: string;
  price_per_hour: number;
}

/** Terminal statuses a scripted run can end in; the spellings Lyceum's sources use. */
export type FakeRunOutcome =
  | 'completed'
  | 'failed'
  | 'failed_user'
  | 'failed_system'
  | 'system_failure'
  | 'timeout'
  | 'cancelled'
  | 'aborted';

/** Every status a run of the fake can report. */
export type FakeRunStatus = 'pending' | 'running' | FakeRunOutcome;

/** What a submitted run prints, leaves behind and ends with. */
export interface FakeRunScript {
  /** Lines the run prints, in order; each gets a trailing `\n`. */
  lines?: readonly string[];
  /** Final status. Default `completed`. */
  outcome?: FakeRunOutcome;
  /** Exit code in `jobFinished`. Default 0 for `completed`, 1 for user failures, -1 otherwise. */
  returnCode?: number;
  /** How `returnCode` is encoded: the sources show both. Default `'string'`, as the CLI compares with `"0"`. */
  returnCodeType?: 'string' | 'number';
  /** `jobFinished.job.result.error` and the status `errors`; a default is made up for system failures and timeouts. */
  error?: string;
  /** Time from running to finished; output is spread over it. `Infinity` runs until aborted or timed out. */
  durationMs?: number;
  /** Time spent `pending` before `running`. */
  startDelayMs?: number;
  /** Files the run leaves in the account bucket when it ends, by storage key. */
  files?: Readonly<Record<string, string | Uint8Array>>;
}

/** A validated Python run request, with defaults applied. */
export interface FakePythonSubmission {
  kind: 'python';
  executionId: string;
  body: Readonly<Record<string, unknown>>;
  code: string;
  fileName: string | null;
  executionType: string;
  timeoutSeconds: number;
  /** `sys.argv` as set by the injected `import sys; sys.argv = [...]` line, if there is one. */
  argv: string[] | null;
  /** `import_files` decoded from its JSON string. */
  importFiles: Record<string, string>;
  requirements: string | null;
}

/** A validated Docker image run request, with defaults applied. */
export interface FakeImageSubmission {
  kind: 'image';
  executionId: string;
  body: Readonly<Record<string, unknown>>;
  image: string;
  command: string[] | null;
  /** `docker_run_env` split on newlines into `K=V` pairs. */
  env: Record<string, string>;
  /** Lines of `docker_run_env` without `=`, which the fake drops. */
  ignoredEnvLines: string[];
  executionType: string;
  timeoutSeconds: number;
}

export type FakeSubmission = FakePythonSubmission | FakeImageSubmission;

/** Decides what a run does; return `undefined` for the default behaviour. */
export type FakeRunScriptHandler = (submission: FakeSubmission) => FakeRunScript | undefined;

/** A fault {@link FakeLyceum.failNext} injects instead of (or around) normal handling. */
export type FakeFault =
  | { status: 429 | 500 | 502 | 503 | 504; detail?: string; retryAfterSeconds?: number }
  /** HTTP 500 whose detail says the VM "could not be provisioned": Lyceum's no-capacity signal. */
  | { capacity: true }
  /** Destroy the socket before handling (nothing happens) or after performing the operation (response lost). */
  | { reset: 'before' | 'after' }
  | { delayMs: number };

/**
 * Which requests a fault applies to. A string is `"METHOD /route"` or `"/route"`,
 * where the route is the path below `/api/v2/external` and `*` stands for one
 * path segment. A RegExp is tested against `"METHOD /route"`.
 */
export type FakeRequestMatch = string | RegExp | ((call: FakeCall) => boolean);

/** One request the fake received. */
export interface FakeCall {
  method: string;
  /** Path as received, without the query. */
  path: string;
  /** Path below `/api/v2/external`; other paths (the stream) as received. */
  route: string;
  query: Record<string, string>;
  authorization: string | undefined;
  orgSlug: string | undefined;
  /** Parsed JSON body, the raw text if it is not JSON, `undefined` if empty. */
  body: unknown;
  /** Response status; `undefined` while pending or when the connection was reset. */
  status: number | undefined;
  fault: FakeFault | undefined;
  at: number;
}

/** A VM as the fake currently sees it. */
export interface FakeVm {
  vmId: string;
  status: string;
  ipAddress: string | null;
  displayName: string | null;
  hardwareProfile: string;
  gpuCount: number;
  instanceType: string;
  userPublicKey: string;
  instanceSpecs: Record<string, unknown>;
  sshUser: string;
  createdAt: string;
  neverReachable: boolean;
}

/** A run as the fake currently sees it. */
export interface FakeExecution {
  executionId: string;
  kind: 'python' | 'image';
  status: FakeRunStatus;
  submission: FakeSubmission;
  /** Everything printed so far. */
  output: string;
  returnCode: number | undefined;
  error: string | null;
  createdAt: string;
}

/** A file in the fake's account bucket. */
export interface FakeStoredFile {
  key: string;
  content: Uint8Array;
  lastModified: string;
}

/** Options of {@link startFakeLyceum}. */
export interface FakeLyceumOptions {
  /** Accepted bearer token. Default `'lk_test_key'`. */
  apiKey?: string;
  /** Where ready VMs are reachable. Default: a TEST-NET-2 address per VM on port 22, which nothing answers. */
  sshEndpoint?: FakeSshEndpoint;
  /** Time a new VM stays `pending`/`provisioning`. Default 150 ms. */
  vmPendingMs?: number;
  /** Time between a VM becoming ready and its `ip_address` appearing. Default 100 ms. */
  ipDelayMs?: number;
  /** Status a provisioned VM reports. Default `'ready'`. */
  vmReadyStatus?: 'ready' | 'running';
  /** Rows of `GET /machine-types`; their profiles are also the VM hardware profiles. */
  machineTypes?: readonly FakeMachineType[];
  /** Default time a run stays `pending`. Default 20 ms. */
  runStartDelayMs?: number;
  /** Default time a run runs. Default 60 ms. */
  runDurationMs?: number;
  /** Decides what runs print and how they end. */
  script?: FakeRunScriptHandler;
  /** Pause between the uneven writes of an SSE stream. Default 1 ms. */
  streamWriteGapMs?: number;
  /** Seed of the chunk sizes, so streams are reproducible. Default 1. */
  streamSeed?: number;
  /** SSE line terminator. Default `'\n'`; `'\r\n'` is what sse-starlette servers send. */
  sseLineEnding?: '\n' | '\r\n';
  /** Interval of `: ping` keep-alive comments on idle streams. Default 15000 ms. */
  ssePingMs?: number;
  /** Reject streams without a valid bearer token. Default false: the URL is treated as self-authorising. */
  streamRequiresAuth?: boolean;
}

/** Options of {@link FakeLyceum.dropStreamAfter}. */
export interface DropStreamOptions {
  /** Only streams of this run. Default: the next stream opened. */
  executionId?: string;
  /** Write half of the next frame before cutting. Default true. */
  partialFrame?: boolean;
  /** Destroy the socket instead of ending the response cleanly. Default false. */
  reset?: boolean;
}

/** A running fake Lyceum API; see {@link startFakeLyceum}. */
export interface FakeLyceum {
  /** Origin, e.g. `http://127.0.0.1:41234`; the API is under `${url}/api/v2/external`. */
  readonly url: string;
  /** `${url}/api/v2/external`. */
  readonly apiUrl: string;
  readonly apiKey: string;
  /** Snapshots of every VM ever created, terminated ones included. */
  readonly vms: FakeVm[];
  /** Snapshots of every run. */
  readonly executions: FakeExecution[];
  /** Snapshots of the bucket. */
  readonly files: FakeStoredFile[];
  /** Every request received, oldest first. */
  readonly calls: readonly FakeCall[];
  vm(id: string): FakeVm | undefined;
  execution(id: string): FakeExecution | undefined;
  /** The next `times` (default 1) matching requests get `fault`. */
  failNext(match: FakeRequestMatch, fault: FakeFault, times?: number): void;
  /** The VM (or every VM created from now on) becomes ready but never gets an IP. */
  neverReachable(target: string): void;
  /** Terminates a VM behind the client's back; `purge` removes it so lookups 404. */
  deleteVm(id: string, options?: { purge?: boolean }): void;
  /** Sets what runs submitted from now on do. */
  scriptExecution(handler: FakeRunScriptHandler): void;
  /** The next matching stream is cut after `frames` complete SSE frames, never delivering `jobFinished`. */
  dropStreamAfter(frames: number, options?: DropStreamOptions): void;
  /** Puts a file in the account bucket. */
  putFile(key: string, content: string | Uint8Array): void;
  close(): Promise<void>;
}
