import type { JobEndReason, TrainingStatus } from '@runctl/core';

/** The raw facts `agent.sh status` prints about one job. */
export interface JobRecord {
  jobDir: string;
  missing: boolean;
  pid?: number;
  startedAt?: Date;
  finishedAt?: Date;
  exitCode?: number;
  reason?: string;
  onExitFailed?: number;
  stdoutSize: number;
  stderrSize: number;
  /** Present while running: whether the supervisor still lives (same boot, pid alive). */
  alive?: boolean;
}

/** Parses the blocks printed by `agent.sh status` / `agent.sh list`. */
export function parseStatusOutput(text: string): JobRecord[] {
  const records: JobRecord[] = [];
  for (const block of text.split('\n\n')) {
    const lines = block.split('\n').filter((line) => line !== '');
    const header = lines.shift();
    if (header === undefined || !header.startsWith('job ')) continue;
    const values = new Map(lines.map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)] as const;
    }));
    const number = (key: string): number | undefined => (values.has(key) ? Number(values.get(key)) : undefined);
    const seconds = (key: string): Date | undefined => (values.has(key) ? new Date(Number(values.get(key)) * 1000) : undefined);
    const record: JobRecord = {
      jobDir: header.slice(4),
      missing: values.get('missing') === '1',
      stdoutSize: number('stdout_size') ?? 0,
      stderrSize: number('stderr_size') ?? 0,
    };
    const pid = number('pid');
    const startedAt = seconds('started_at');
    const finishedAt = seconds('finished_at');
    const exitCode = number('exit_code');
    const onExitFailed = number('on_exit_failed');
    if (pid !== undefined) record.pid = pid;
    if (startedAt !== undefined) record.startedAt = startedAt;
    if (finishedAt !== undefined) record.finishedAt = finishedAt;
    if (exitCode !== undefined) record.exitCode = exitCode;
    if (values.has('reason')) record.reason = values.get('reason') as string;
    if (onExitFailed !== undefined) record.onExitFailed = onExitFailed;
    if (values.has('alive')) record.alive = values.get('alive') === '1';
    records.push(record);
  }
  return records;
}

const REASONS: ReadonlySet<string> = new Set(['completed', 'preempted', 'max-runtime', 'cancelled', 'resource-lost', 'error']);

/** Turns a job record into the spec's {@link TrainingStatus}. */
export function toTrainingStatus(jobId: string, record: JobRecord): TrainingStatus {
  const status: TrainingStatus = { jobId, state: 'queued' };
  if (record.startedAt !== undefined) status.startedAt = record.startedAt;
  if (record.exitCode !== undefined) {
    const reason = (REASONS.has(record.reason ?? '') ? record.reason : 'completed') as JobEndReason;
    status.exitCode = record.exitCode;
    status.reason = reason;
    if (record.finishedAt !== undefined) status.finishedAt = record.finishedAt;
    status.state = reason === 'cancelled' ? 'cancelled' : record.exitCode === 0 && reason === 'completed' ? 'succeeded' : 'failed';
    if (reason === 'max-runtime') status.message = 'Stopped: the job exceeded its maxRuntime.';
    if (record.onExitFailed !== undefined) status.message = `The job's exit hook failed with code ${record.onExitFailed}; see .runctl/jobs/${jobId}/on_exit.log.`;
    return status;
  }
  if (record.alive === false) {
    status.state = 'unknown';
    status.reason = 'resource-lost';
    status.message = 'The job supervisor is gone without recording an exit code (was the machine rebooted or the process killed?).';
    return status;
  }
  if (record.startedAt !== undefined) status.state = 'running';
  return status;
}
