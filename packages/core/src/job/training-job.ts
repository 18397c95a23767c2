import type { Duration } from '../util/duration.ts';

/**
 * What to run. Give either `script` (a local file) or `command`.
 *
 * Inside the job, these variables are set: `RUNCTL_JOB_ID`,
 * `RUNCTL_WORKSPACE`, `RUNCTL_DATA_DIR`, `RUNCTL_OUTPUT_DIR` and
 * `RUNCTL_CHECKPOINT_DIR`, plus `PYTHONUNBUFFERED=1` so Python output streams.
 *
 * @example
 * ```ts
 * const job: TrainingJob = {
 *   script: './train.py',
 *   args: ['--epochs', '3'],
 *   workdir: '.',
 *   environment: { WANDB_MODE: 'offline' },
 *   secrets: { HF_TOKEN: process.env.HF_TOKEN ?? '' },
 *   maxRuntime: '2h',
 * };
 * ```
 */
export interface TrainingJob {
  /** Name shown in listings; also part of the job id. */
  name?: string;
  /**
   * Path of a local script to run. `.py` runs with python3, `.sh` with sh,
   * `.js`/`.mjs` with node; anything else is executed directly.
   * Relative paths are resolved against `workdir` when it is given.
   */
  script?: string;
  /**
   * A command instead of a script: an argv array (run as-is, no shell), or a
   * string run by `sh -c`.
   */
  command?: string | readonly string[];
  /** Arguments appended to the script or command, passed verbatim. */
  args?: readonly string[];
  /** Local folder synced to the machine before the job starts (honours `.gitignore`). */
  workdir?: string;
  /** Data to place in `$RUNCTL_DATA_DIR`: a local path, or a provider URL such as `s3://…`. */
  dataSource?: string;
  /** Where `$RUNCTL_OUTPUT_DIR` is copied when the job ends (a provider URL or path). */
  outputDest?: string;
  /** Folder, relative to the job's working directory, where the job writes checkpoints. */
  checkpointDir?: string;
  /** Plain environment variables. These may appear in specs and listings. */
  environment?: Readonly<Record<string, string>>;
  /**
   * Secret environment variables. Their values reach the job's environment
   * only: never a tag, user data, the job spec, a log line or an error.
   */
  secrets?: Readonly<Record<string, string>>;
  /** Hard limit: SIGTERM, a grace period, then SIGKILL. Reason `max-runtime`. */
  maxRuntime?: Duration;
}

/** What `train` returns: enough to monitor or cancel the job from any process. */
export interface JobHandle {
  jobId: string;
  resourceId: string;
  provider: string;
  name?: string;
  /** When the job was submitted. */
  submittedAt: Date;
}
