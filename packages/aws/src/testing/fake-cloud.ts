import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedOptions } from './fake-aws-options.ts';
import {
  addTransition,
  cancelPendingShutdowns,
  instanceState,
  REASONS,
  terminatedAt,
  transitionText,
  userDataText,
  type FakeInstance,
  type FakeVolume,
  type InstanceStateView,
  type LifecycleTiming,
} from './fake-ec2-instances.ts';
import { startImdsServer, type ImdsServer } from './fake-imds.ts';
import {
  appendSandboxFile,
  createSandbox,
  readShutdownRequests,
  writeSandboxFile,
  type SandboxPaths,
} from './instance-sandbox.ts';
import { INSTANCE_MARKER_ENV, killMarkedProcesses } from './sandbox-processes.ts';
import { runShell, type ShellRun } from './sandbox-shell.ts';

export interface FakeReservation {
  reservationId: string;
  ownerId: string;
  instanceIds: string[];
}

export interface ClientTokenRecord {
  fingerprint: string;
  reservationId: string;
}

/** Per-instance bookkeeping that is not part of the EC2 model. */
interface InstanceRuntime {
  paths: SandboxPaths;
  shutdownLines: number;
  halted: boolean;
  gone: boolean;
  userDataStarted: boolean;
  runs: Set<ShellRun>;
  imds?: Promise<ImdsServer>;
}

/**
 * Everything the fake cloud knows, shared by the EC2, SSM and IMDS fakes, and
 * the side effects of instance lifecycles (processes die when an instance
 * stops; a recorded `shutdown` stops it), applied by tick().
 */
export class FakeCloud {
  readonly options: ResolvedOptions;
  readonly sandboxRoot: string;
  /** Distinguishes this server's processes from other fakes running at once. */
  readonly serverId = randomBytes(6).toString('hex');
  readonly instances = new Map<string, FakeInstance>();
  readonly volumes = new Map<string, FakeVolume>();
  readonly reservations = new Map<string, FakeReservation>();
  readonly clientTokens = new Map<string, ClientTokenRecord>();
  readonly parameters: Map<string, string>;
  /** Called when an instance stops running (before its processes are killed). */
  readonly haltListeners: Array<(inst: FakeInstance) => void> = [];
  /** Called on every tick, after the instance lifecycles. */
  readonly tickListeners: Array<(now: number) => void> = [];
  private readonly runtimes = new Map<string, InstanceRuntime>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(options: ResolvedOptions, sandboxRoot: string) {
    this.options = options;
    this.sandboxRoot = sandboxRoot;
    this.parameters = new Map(Object.entries(options.ssm.parameters));
    // Lifecycle side effects need a heartbeat; unref so it never holds the process open.
    this.timer = setInterval(() => this.tick(), 25);
    this.timer.unref();
  }

  now(): number {
    return this.options.now();
  }

  get timing(): LifecycleTiming {
    return this.options.ec2;
  }

  state(inst: FakeInstance, now = this.now()): InstanceStateView {
    return instanceState(inst, now, this.timing);
  }

  /** Eventual consistency and expiry: can other calls see this instance? */
  isVisible(inst: FakeInstance, now = this.now()): boolean {
    if (now < inst.launchedAt + this.options.ec2.notFoundAfterLaunchMs) return false;
    const ended = terminatedAt(inst, now, this.timing);
    return ended === undefined || now < ended + this.options.ec2.terminatedVisibleMs;
  }

  addInstance(inst: FakeInstance): void {
    this.instances.set(inst.instanceId, inst);
    this.runtimes.set(inst.instanceId, {
      paths: createSandbox(inst.sandboxDir),
      shutdownLines: 0,
      halted: false,
      gone: false,
      userDataStarted: false,
      runs: new Set(),
    });
    writeSandboxFile(join(this.paths(inst).imds, 'instance-id'), inst.instanceId);
  }

  paths(inst: FakeInstance): SandboxPaths {
    return this.runtime(inst).paths;
  }

  private runtime(inst: FakeInstance): InstanceRuntime {
    const rt = this.runtimes.get(inst.instanceId);
    if (!rt) throw new Error(`no runtime for ${inst.instanceId}`);
    return rt;
  }

  /** IMDS endpoint for this instance (started on first use). */
  imdsEndpoint(inst: FakeInstance): Promise<string> {
    const rt = this.runtime(inst);
    rt.imds ??= startImdsServer(this, inst, this.options.host);
    return rt.imds.then((s) => s.endpoint);
  }

  /** Environment of a process on the instance. */
  async processEnv(inst: FakeInstance): Promise<Record<string, string>> {
    const paths = this.paths(inst);
    return {
      PATH: `${paths.bin}:${process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin'}`,
      HOME: paths.root,
      TMPDIR: paths.tmp,
      LANG: 'C.UTF-8',
      AWS_SSM_INSTANCE_ID: inst.instanceId,
      AWS_SSM_REGION_NAME: this.options.region,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: await this.imdsEndpoint(inst),
      RUNCTL_FAKE_AWS_SANDBOX: paths.root,
      RUNCTL_FAKE_AWS_IMDS_DIR: paths.imds,
      [INSTANCE_MARKER_ENV]: this.marker(inst),
      ...this.options.ssm.env,
    };
  }

  private marker(inst: FakeInstance): string {
    return `${this.serverId}:${inst.instanceId}`;
  }

  /** Runs a script on the instance; it dies with the instance. */
  async runOnInstance(inst: FakeInstance, script: string, cwd?: string): Promise<ShellRun> {
    const env = await this.processEnv(inst);
    if (this.closed) throw new Error('fake AWS is closed');
    const run = runShell({ shell: this.options.ssm.shell, script, cwd: cwd ?? this.paths(inst).root, env });
    const rt = this.runtime(inst);
    rt.runs.add(run);
    void run.done.then(() => rt.runs.delete(run));
    // An instance may have stopped while the environment was prepared.
    if (rt.halted) run.kill();
    return run;
  }

  /** Spot interruption: the notice is visible now, the stop/termination follows after the lead time. */
  interruptSpot(instanceId: string, noticeMs?: number): void {
    const inst = this.require(instanceId);
    if (!inst.spot) throw new Error(`${instanceId} is not a Spot Instance`);
    const now = this.now();
    const action = inst.spot.interruptionBehavior;
    // Hibernation gets no lead time (AWS docs).
    const at = now + (action === 'hibernate' ? 0 : noticeMs ?? this.options.ec2.spotInterruptionNoticeMs);
    inst.spotNotice = { action, time: new Date(at).toISOString().replace(/\.[0-9]{3}Z$/, 'Z') };
    writeSandboxFile(join(this.paths(inst).imds, 'spot', 'instance-action'), JSON.stringify(inst.spotNotice));
    const terminate = action === 'terminate';
    addTransition(
      inst,
      {
        at,
        kind: terminate ? 'terminate' : 'stop',
        reason: terminate ? REASONS.spotTerminate : REASONS.spotStop,
        text: transitionText('Service initiated', at),
        source: 'spot',
      },
      now,
      this.timing,
    );
    this.tick();
  }

  /** As if `shutdown -h` ran on the instance (after `delayMs`). */
  instanceShutdown(instanceId: string, delayMs = 0, requestedAt = this.now()): void {
    const inst = this.require(instanceId);
    const at = requestedAt + delayMs;
    // A one-time Spot Instance cannot be stopped, so its shutdown always terminates.
    const kind = inst.shutdownBehavior === 'terminate' || inst.spot?.spotInstanceType === 'one-time' ? 'terminate' : 'stop';
    addTransition(
      inst,
      { at, kind, reason: REASONS.instance, text: transitionText('User initiated', at), source: 'instance' },
      this.now(),
      this.timing,
    );
    this.tick();
  }

  require(instanceId: string): FakeInstance {
    const inst = this.instances.get(instanceId);
    if (!inst) throw new Error(`unknown instance ${instanceId}`);
    return inst;
  }

  /** Applies lifecycle side effects that depend on time. Cheap; called often. */
  tick(): void {
    const now = this.now();
    for (const inst of this.instances.values()) {
      const rt = this.runtimes.get(inst.instanceId);
      if (!rt || rt.gone) continue;
      this.pollShutdownRequests(inst, rt, now);
      const state = this.state(inst, now).name;
      if (state === 'running' && this.options.ec2.runUserData && !rt.userDataStarted) {
        rt.userDataStarted = true;
        this.runUserData(inst).catch(() => undefined); // only fails once the fake is closed
      }
      if (state !== 'pending' && state !== 'running' && !rt.halted) this.halt(inst, rt);
      if (state === 'terminated') this.finishTermination(inst, rt, now);
    }
    for (const listener of this.tickListeners) listener(now);
  }

  private pollShutdownRequests(inst: FakeInstance, rt: InstanceRuntime, now: number): void {
    if (rt.halted) return;
    const { requests, lines } = readShutdownRequests(rt.paths, rt.shutdownLines, now);
    rt.shutdownLines = lines;
    for (const request of requests) {
      if (request.kind === 'cancel') cancelPendingShutdowns(inst, now);
      // A reboot keeps the instance: nothing to model beyond recording it.
      else if (request.kind === 'poweroff') {
        this.instanceShutdown(inst.instanceId, request.delayMinutes * this.options.ec2.shutdownMinuteMs, request.at);
      }
    }
  }

  private halt(inst: FakeInstance, rt: InstanceRuntime): void {
    rt.halted = true;
    for (const listener of this.haltListeners) listener(inst);
    for (const run of rt.runs) run.kill();
    killMarkedProcesses(this.marker(inst));
  }

  private finishTermination(inst: FakeInstance, rt: InstanceRuntime, now: number): void {
    rt.gone = true;
    for (const volumeId of inst.volumeIds) {
      const volume = this.volumes.get(volumeId);
      if (volume?.deleteOnTermination) volume.deletedAt = now;
    }
    void rt.imds?.then((s) => s.close());
  }

  private async runUserData(inst: FakeInstance): Promise<void> {
    const text = userDataText(inst);
    // cloud-init runs user data that starts with "#!" as a script.
    if (!text?.startsWith('#!')) return;
    const paths = this.paths(inst);
    const script = join(paths.root, '.fakeaws', 'user-data');
    writeFileSync(script, text, { mode: 0o755 });
    const run = await this.runOnInstance(inst, script);
    await run.done;
    // Killed by close(): the sandbox is gone, and writing the log would recreate it.
    if (this.closed) return;
    appendSandboxFile(join(paths.root, 'var', 'log', 'cloud-init-output.log'), run.stdout() + run.stderr());
  }

  async close(keepSandbox: boolean): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const rt of this.runtimes.values()) for (const run of rt.runs) run.kill();
    killMarkedProcesses(`${this.serverId}:`);
    for (const rt of this.runtimes.values()) if (rt.imds) await rt.imds.then((s) => s.close());
    if (!keepSandbox) rmSync(this.sandboxRoot, { recursive: true, force: true });
  }
}
