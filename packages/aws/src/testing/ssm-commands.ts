import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { FakeCloud } from './fake-cloud.ts';
import type { FakeInstance } from './fake-ec2-instances.ts';
import { writeSandboxFile } from './instance-sandbox.ts';
import type { ShellRun } from './sandbox-shell.ts';

export type InvocationStatus =
  | 'Pending'
  | 'InProgress'
  | 'Delayed'
  | 'Success'
  | 'Cancelled'
  | 'TimedOut'
  | 'Failed'
  | 'Cancelling';

export interface FakeInvocation {
  commandId: string;
  instanceId: string;
  requestedAt: number;
  /** Before this, GetCommandInvocation answers InvocationDoesNotExist (eventual consistency). */
  visibleAt: number;
  status: InvocationStatus;
  statusDetails: string;
  /** Exit code of the script; -1 until it has one. */
  responseCode: number;
  startedAt?: number;
  endedAt?: number;
  /** Full output (SSM only reports the head); set when the script ends. */
  stdout: string;
  stderr: string;
  run?: ShellRun;
  /** The instance stopped under the command: the agent never reports back. */
  orphaned: boolean;
  timedOut: boolean;
  cancelRequested: boolean;
}

export interface FakeCommand {
  commandId: string;
  documentName: string;
  comment: string;
  parameters: Record<string, string[]>;
  instanceIds: string[];
  requestedAt: number;
  /** Delivery timeout (TimeoutSeconds). */
  timeoutSeconds: number;
  executionTimeoutSeconds: number;
  workingDirectory?: string;
  outputS3BucketName?: string;
  outputS3KeyPrefix?: string;
  cloudWatch?: { enabled: boolean; logGroupName: string };
  invocations: Map<string, FakeInvocation>;
}

const ACTIVE: InvocationStatus[] = ['Pending', 'InProgress', 'Delayed', 'Cancelling'];
/** The Linux agent's exit code for a command it stopped (SIGKILL); it reads 137 as "timed out". */
const STOPPED_EXIT_CODE = 137;

export const isActive = (inv: FakeInvocation): boolean => ACTIVE.includes(inv.status);

/**
 * Runs AWS-RunShellScript commands for real in the instance sandbox, the way
 * the SSM agent does on Linux: the commands become `_script.sh`, run as
 * `sh -c <script>`, killed after executionTimeout.
 */
export class SsmCommandRunner {
  readonly commands = new Map<string, FakeCommand>();
  private readonly cloud: FakeCloud;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(cloud: FakeCloud) {
    this.cloud = cloud;
    cloud.haltListeners.push((inst) => this.onInstanceHalted(inst));
    cloud.tickListeners.push((now) => this.expireOrphans(now));
  }

  private unit(seconds: number): number {
    return seconds * this.cloud.options.ssm.executionTimeoutUnitMs;
  }

  start(command: FakeCommand): void {
    this.commands.set(command.commandId, command);
    for (const inv of command.invocations.values()) {
      this.later(this.cloud.options.ssm.deliveryDelayMs, () => {
        // Only fails when the fake closes meanwhile: the agent never reports.
        this.deliver(command, inv).catch(() => {
          inv.orphaned = true;
        });
      });
    }
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private async deliver(command: FakeCommand, inv: FakeInvocation): Promise<void> {
    if (inv.status !== 'Pending' || inv.orphaned) return;
    const inst = this.cloud.instances.get(inv.instanceId);
    if (!inst || this.cloud.state(inst).name !== 'running') {
      inv.orphaned = true;
      return;
    }
    inv.status = 'InProgress';
    inv.statusDetails = 'InProgress';
    inv.startedAt = this.cloud.now();
    const sandbox = this.cloud.paths(inst).root;
    const cwd = resolveWorkingDirectory(sandbox, command.workingDirectory);
    if (cwd === undefined) {
      this.finish(inv, 1, '', `Failed to run commands: working directory ${command.workingDirectory ?? ''} does not exist`);
      return;
    }
    const script = join(sandbox, '.fakeaws', 'commands', command.commandId, '_script.sh');
    writeSandboxFile(script, `${(command.parameters['commands'] ?? []).join('\n')}\n`, 0o755);
    const run = await this.cloud.runOnInstance(inst, script, cwd);
    inv.run = run;
    const timer = this.later(this.unit(command.executionTimeoutSeconds), () => {
      inv.timedOut = true;
      run.kill();
    });
    const exit = await run.done;
    clearTimeout(timer);
    this.timers.delete(timer);
    if (inv.orphaned) return;
    const stderr = exit.spawnError ? `${run.stderr()}${exit.spawnError}` : run.stderr();
    this.finish(inv, exit.exitCode, run.stdout(), stderr);
  }

  private finish(inv: FakeInvocation, exitCode: number, stdout: string, stderr: string): void {
    inv.endedAt = this.cloud.now();
    inv.stdout = stdout;
    inv.stderr = stderr;
    delete inv.run;
    if (inv.cancelRequested) {
      Object.assign(inv, { status: 'Cancelled', statusDetails: 'Cancelled', responseCode: STOPPED_EXIT_CODE });
    } else if (inv.timedOut || exitCode === STOPPED_EXIT_CODE) {
      Object.assign(inv, { status: 'TimedOut', statusDetails: 'ExecutionTimedOut', responseCode: STOPPED_EXIT_CODE });
    } else if (exitCode === 0) {
      Object.assign(inv, { status: 'Success', statusDetails: 'Success', responseCode: 0 });
    } else {
      Object.assign(inv, { status: 'Failed', statusDetails: 'Failed', responseCode: exitCode });
    }
  }

  cancel(command: FakeCommand, instanceIds: string[]): void {
    for (const inv of command.invocations.values()) {
      if (instanceIds.length > 0 && !instanceIds.includes(inv.instanceId)) continue;
      if (inv.status === 'Pending') {
        Object.assign(inv, { status: 'Cancelled', statusDetails: 'Cancelled', endedAt: this.cloud.now() });
      } else if (inv.status === 'InProgress' && inv.run) {
        inv.cancelRequested = true;
        inv.status = 'Cancelling';
        inv.statusDetails = 'Cancelling';
        inv.run.kill();
      }
    }
  }

  /** The instance went away: its invocations stay unfinished until they time out. */
  private onInstanceHalted(inst: FakeInstance): void {
    for (const command of this.commands.values()) {
      const inv = command.invocations.get(inst.instanceId);
      if (inv && isActive(inv)) inv.orphaned = true;
    }
  }

  private expireOrphans(now: number): void {
    for (const command of this.commands.values()) {
      for (const inv of command.invocations.values()) {
        if (!inv.orphaned || !isActive(inv)) continue;
        if (inv.startedAt === undefined) {
          if (now >= inv.requestedAt + this.unit(command.timeoutSeconds)) {
            Object.assign(inv, { status: 'TimedOut', statusDetails: 'DeliveryTimedOut', endedAt: now });
          }
        } else if (now >= inv.startedAt + this.unit(command.executionTimeoutSeconds)) {
          Object.assign(inv, { status: 'TimedOut', statusDetails: 'ExecutionTimedOut', endedAt: now });
        }
      }
    }
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** `workingDirectory` is taken inside the sandbox (an absolute path is rooted at the sandbox). */
function resolveWorkingDirectory(sandbox: string, requested: string | undefined): string | undefined {
  if (requested === undefined || requested === '') return sandbox;
  const path = resolve(sandbox, isAbsolute(requested) ? `.${requested}` : requested);
  if (relative(sandbox, path).startsWith('..')) return undefined;
  return existsSync(path) && statSync(path).isDirectory() ? path : undefined;
}

/** Aggregate status of a command from its invocations. */
export function commandStatus(command: FakeCommand): InvocationStatus {
  const invocations = [...command.invocations.values()];
  if (invocations.some(isActive)) return invocations.every((i) => i.status === 'Pending') ? 'Pending' : 'InProgress';
  for (const status of ['Failed', 'TimedOut', 'Cancelled'] as const) {
    if (invocations.some((i) => i.status === status)) return status;
  }
  return 'Success';
}
