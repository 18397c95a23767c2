import {
  RunctlError,
  flattenBatches,
  isJobFinished,
  registerSecret,
  sleep,
  throwIfAborted,
  type LogEvent,
  type TrainingStatus,
} from '@runctl/core';
import { agentScript } from './agent-script.ts';
import { decodeCursor, type LogPosition } from './cursor.ts';
import { commandFile, envFile } from './job-files.ts';
import { isJobId, newJobId } from './job-id.ts';
import { parseStatusOutput, toTrainingStatus, type JobRecord } from './job-status.ts';
import { workspaceLayout, type WorkspaceLayout } from './layout.ts';
import { followJobLogBatches, type FollowOptions, type JobLogSource } from './log-follower.ts';
import type { FileReader, Transport } from './transport/transport.ts';

/** A job as the agent runs it: an argv and its environment, nothing provider-specific. */
export interface AgentJobSpec {
  name?: string | undefined;
  /** The program and its arguments, passed verbatim. */
  argv: readonly string[];
  /** Working directory on the machine (default: the workspace root). */
  cwd?: string | undefined;
  environment?: Readonly<Record<string, string>> | undefined;
  /** Reach only the env file (mode 0600, deleted once read); never the spec or a log. */
  secrets?: Readonly<Record<string, string>> | undefined;
  maxRuntimeMs?: number | undefined;
  /** Time between SIGTERM and SIGKILL on cancel or max runtime (default 10 s). */
  graceMs?: number | undefined;
  /** Commands run, in order, after the job ends and before its exit code is recorded (e.g. syncing outputs). */
  onExit?: ReadonlyArray<readonly string[]> | undefined;
}

/** Settings of {@link AgentClient}. */
export interface AgentClientSettings {
  transport: Transport;
  /** Absolute path of the workspace on the machine. */
  workspace: string;
  /** Provider name for errors. */
  provider?: string;
  /** Log follower tuning. */
  follow?: Partial<Omit<FollowOptions, 'position' | 'follow' | 'signal'>>;
}

/** Options of {@link AgentClient.followLog}. */
export interface FollowLogOptions {
  jobId?: string | undefined;
  cursor?: string | undefined;
  follow?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

const DEFAULT_GRACE_MS = 10_000;

/**
 * Drives the job protocol on one workspace through a {@link Transport}:
 * starts detached jobs, reads their status, cancels them and follows their
 * logs from exact byte cursors. Every provider's data plane is one of these.
 */
export class AgentClient {
  readonly transport: Transport;
  readonly layout: WorkspaceLayout;
  readonly provider: string | undefined;
  readonly #follow: AgentClientSettings['follow'];
  #agentPath: Promise<string> | undefined;

  constructor(settings: AgentClientSettings) {
    this.transport = settings.transport;
    this.layout = workspaceLayout(settings.workspace);
    this.provider = settings.provider;
    this.#follow = settings.follow;
  }

  /** Installs the supervisor script in the workspace (once) and returns its path. */
  installAgent(signal?: AbortSignal): Promise<string> {
    this.#agentPath ??= (async () => {
      const { text, version } = await agentScript();
      const path = `${this.layout.runctlDir}/agent-${version}.sh`;
      const existing = await this.transport.stat(path, signal ? { signal } : {});
      if (existing?.type !== 'file') await this.transport.writeFile(path, text, { mode: 0o700, ...(signal ? { signal } : {}) });
      return path;
    })().catch((error: unknown) => {
      this.#agentPath = undefined;
      throw error;
    });
    return this.#agentPath;
  }

  /** Starts a job detached from this process; it keeps running if we go away. */
  async startJob(spec: AgentJobSpec, options: { signal?: AbortSignal; jobId?: string } = {}): Promise<{ jobId: string; jobDir: string }> {
    const { signal } = options;
    const agent = await this.installAgent(signal);
    const jobId = options.jobId ?? newJobId(spec.name);
    const jobDir = this.layout.jobDir(jobId);
    for (const value of Object.values(spec.secrets ?? {})) registerSecret(value);
    const write = (name: string, data: string, mode = 0o600): Promise<void> =>
      this.transport.writeFile(`${jobDir}/${name}`, data, { mode, ...(signal ? { signal } : {}) });
    await write('cwd', `${spec.cwd ?? this.layout.root}\n`);
    await write('command', commandFile(spec.argv));
    await write('spec.json', `${JSON.stringify(publicSpec(jobId, spec), null, 2)}\n`);
    const env = envFile({ ...spec.environment, ...spec.secrets });
    if (env !== '') await write('env', env);
    if (spec.onExit !== undefined && spec.onExit.length > 0) await write('on_exit', spec.onExit.map((argv) => commandFile(argv, { exec: false })).join(''));
    const maxRuntime = spec.maxRuntimeMs === undefined ? 0 : Math.max(1, Math.ceil(spec.maxRuntimeMs / 1000));
    const grace = Math.max(1, Math.ceil((spec.graceMs ?? DEFAULT_GRACE_MS) / 1000));
    const result = await this.transport.exec(['sh', agent, 'start', jobDir, String(maxRuntime), String(grace)], signal ? { signal } : {});
    if (result.exitCode !== 0) {
      throw new RunctlError({
        code: 'PROVIDER',
        provider: this.provider,
        message: `Could not start job ${jobId} on ${this.transport.description}: ${result.stderr.toString('utf8').trim() || `agent exited with ${result.exitCode}`}`,
      });
    }
    return { jobId, jobDir };
  }

  /** Status of one job; `NOT_FOUND` when the workspace has no such job. */
  async jobStatus(jobId: string, signal?: AbortSignal): Promise<TrainingStatus> {
    return toTrainingStatus(jobId, await this.#record(jobId, signal));
  }

  /** Every job in the workspace, oldest first. */
  async listJobs(signal?: AbortSignal): Promise<TrainingStatus[]> {
    const agent = await this.installAgent(signal);
    const result = await this.transport.exec(['sh', agent, 'list', this.layout.jobsDir], signal ? { signal } : {});
    return parseStatusOutput(result.stdout.toString('utf8'))
      .map((record) => [record.jobDir.slice(record.jobDir.lastIndexOf('/') + 1), record] as const)
      .filter(([jobId]) => isJobId(jobId))
      .map(([jobId, record]) => toTrainingStatus(jobId, record));
  }

  /** The newest job's id, or `undefined` when there is none. */
  async latestJobId(signal?: AbortSignal): Promise<string | undefined> {
    return (await this.listJobs(signal)).at(-1)?.jobId;
  }

  /**
   * Stops a job: SIGTERM to its process group, SIGKILL after the grace period.
   * Resolves with the final status once the exit code is recorded (or the
   * current status if `wait` is false).
   */
  async cancel(jobId: string, options: { graceMs?: number; wait?: boolean; signal?: AbortSignal } = {}): Promise<TrainingStatus> {
    const { signal } = options;
    const grace = Math.max(1, Math.ceil((options.graceMs ?? DEFAULT_GRACE_MS) / 1000));
    const agent = await this.installAgent(signal);
    const current = await this.jobStatus(jobId, signal);
    if (isJobFinished(current.state)) return current;
    const result = await this.transport.exec(['sh', agent, 'cancel', this.layout.jobDir(jobId), String(grace)], signal ? { signal } : {});
    if (result.exitCode !== 0) {
      throw new RunctlError({ code: 'PROVIDER', provider: this.provider, message: `Could not cancel ${jobId}: ${result.stderr.toString('utf8').trim()}` });
    }
    if (options.wait === false) return this.jobStatus(jobId, signal);
    const deadline = Date.now() + grace * 1000 + 15_000;
    for (let delay = 20; ; delay = Math.min(500, delay * 2)) {
      const status = await this.jobStatus(jobId, signal);
      if (isJobFinished(status.state) || status.state === 'unknown' || Date.now() > deadline) return status;
      await sleep(delay, signal);
    }
  }

  /** Raw bytes of a job's stdout or stderr. */
  async readLog(jobId: string, stream: 'stdout' | 'stderr', options: { offset?: number; length?: number; signal?: AbortSignal } = {}): Promise<Buffer> {
    this.#checkJobId(jobId);
    return this.#read(`${this.layout.jobDir(jobId)}/${stream}`, options.offset ?? 0, options.length ?? Number.MAX_SAFE_INTEGER, options.signal);
  }

  /**
   * The job's log as events, ending with an `exit` event. Resumes exactly
   * after `cursor`; without `jobId` or `cursor` it follows the newest job.
   * Breaking out of the loop stops all reads.
   */
  followLog(options: FollowLogOptions = {}): AsyncIterableIterator<LogEvent> {
    return flattenBatches(this.followLogBatches(options));
  }

  /** {@link AgentClient.followLog} as one array of events per read, for layers that re-yield them. */
  async *followLogBatches(options: FollowLogOptions = {}): AsyncGenerator<LogEvent[]> {
    const fromCursor = options.cursor === undefined ? undefined : decodeCursor(options.cursor, this.provider);
    const jobId = options.jobId ?? fromCursor?.jobId ?? (await this.latestJobId(options.signal));
    if (jobId === undefined) throw new RunctlError({ code: 'NOT_FOUND', provider: this.provider, message: `No job has run in ${this.layout.root} yet.` });
    if (fromCursor !== undefined && fromCursor.jobId !== jobId) {
      throw new RunctlError({ code: 'INVALID_INPUT', provider: this.provider, message: `Invalid options.cursor: it belongs to job ${fromCursor.jobId}, not ${jobId}.` });
    }
    // NOT_FOUND before the first event, not mid-stream; a stat costs no process.
    this.#checkJobId(jobId);
    if ((await this.transport.stat(this.layout.jobDir(jobId), options.signal ? { signal: options.signal } : {}))?.type !== 'directory') {
      throw new RunctlError({ code: 'NOT_FOUND', provider: this.provider, message: `No job ${jobId} in ${this.layout.root}.` });
    }
    const position: LogPosition = fromCursor ?? { jobId, stdout: 0, stderr: 0, ended: false };
    const chunkBytes = this.#follow?.chunkBytes ?? this.transport.preferredReadBytes;
    yield* followJobLogBatches(this.#source(jobId), {
      ...this.#follow,
      ...(chunkBytes === undefined ? {} : { chunkBytes }),
      position,
      follow: options.follow ?? true,
      signal: options.signal,
    });
  }

  #source(jobId: string): JobLogSource {
    const jobDir = this.layout.jobDir(jobId);
    const readers = new Map<string, FileReader>();
    const read = async (name: string, offset: number, length: number, signal?: AbortSignal): Promise<Buffer> => {
      if (this.transport.openReader === undefined) return this.#read(`${jobDir}/${name}`, offset, length, signal);
      let reader = readers.get(name);
      if (reader === undefined) {
        try {
          reader = await this.transport.openReader(`${jobDir}/${name}`, signal ? { signal } : {});
        } catch (error) {
          // Not there yet (the job is starting): empty for now, try again next round.
          if (RunctlError.hasCode(error, 'NOT_FOUND')) return Buffer.alloc(0);
          throw error;
        }
        readers.set(name, reader);
      }
      return reader.read(offset, length, signal);
    };
    return {
      read,
      isFinished: async (signal) => (await this.transport.stat(`${jobDir}/exit_code`, signal ? { signal } : {})) !== undefined,
      status: async (signal) => {
        const record = await this.#record(jobId, signal);
        return { status: toTrainingStatus(jobId, record), ...(record.alive === undefined ? {} : { alive: record.alive }) };
      },
      close: async () => {
        await Promise.allSettled([...readers.values()].map((reader) => reader.close()));
        readers.clear();
      },
    };
  }

  async #read(path: string, offset: number, length: number, signal?: AbortSignal): Promise<Buffer> {
    try {
      return await this.transport.readFile(path, { offset, length, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (RunctlError.hasCode(error, 'NOT_FOUND')) return Buffer.alloc(0);
      throw error;
    }
  }

  async #record(jobId: string, signal?: AbortSignal): Promise<JobRecord> {
    this.#checkJobId(jobId);
    throwIfAborted(signal, this.provider);
    const agent = await this.installAgent(signal);
    const result = await this.transport.exec(['sh', agent, 'status', this.layout.jobDir(jobId)], signal ? { signal } : {});
    const [record] = parseStatusOutput(result.stdout.toString('utf8'));
    if (record === undefined || record.missing) {
      throw new RunctlError({ code: 'NOT_FOUND', provider: this.provider, message: `No job ${jobId} in ${this.layout.root}.` });
    }
    return record;
  }

  #checkJobId(jobId: string): void {
    if (!isJobId(jobId)) {
      throw new RunctlError({ code: 'NOT_FOUND', provider: this.provider, message: `No job ${JSON.stringify(jobId.slice(0, 80))}: not a runctl job id.` });
    }
  }
}

/** What goes into spec.json: everything but secret values. */
function publicSpec(jobId: string, spec: AgentJobSpec): Record<string, unknown> {
  return {
    jobId,
    name: spec.name,
    argv: spec.argv,
    cwd: spec.cwd,
    environment: spec.environment ?? {},
    secretNames: Object.keys(spec.secrets ?? {}),
    maxRuntimeMs: spec.maxRuntimeMs,
    createdAt: new Date().toISOString(),
  };
}
