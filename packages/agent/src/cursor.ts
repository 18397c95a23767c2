import { InvalidInputError } from '@runctl/core';
import { isJobId } from './job-id.ts';

/** Where a reader stands in a job's log: byte offsets into stdout and stderr. */
export interface LogPosition {
  jobId: string;
  stdout: number;
  stderr: number;
  /** The exit event has been delivered; nothing follows. */
  ended: boolean;
}

const PREFIX = 'a1';

/** The constant start of every cursor of one job (hot path: one string per log line). */
export function cursorPrefixOf(jobId: string): string {
  return `${PREFIX}.${jobId}.`;
}

/** Cursors look like `a1.<jobId>.<stdoutOffset>.<stderrOffset>[.end]`; callers treat them as opaque. */
export function encodeCursor(position: LogPosition): string {
  return `${cursorPrefixOf(position.jobId)}${position.stdout}.${position.stderr}${position.ended ? '.end' : ''}`;
}

/** Parses a cursor made by {@link encodeCursor}; anything else is an `INVALID_INPUT` on `options.cursor`. */
export function decodeCursor(cursor: string, provider?: string): LogPosition {
  const parts = cursor.split('.');
  const [prefix, jobId, stdout, stderr, end] = parts;
  const valid =
    prefix === PREFIX &&
    jobId !== undefined &&
    isJobId(jobId) &&
    /^\d+$/.test(stdout ?? '') &&
    /^\d+$/.test(stderr ?? '') &&
    (parts.length === 4 || (parts.length === 5 && end === 'end'));
  if (!valid) {
    throw new InvalidInputError({
      field: 'options.cursor',
      provider,
      message: `Invalid options.cursor: ${JSON.stringify(cursor.slice(0, 80))} is not a runctl log cursor.`,
      hint: 'Pass back the cursor of a log event exactly as you received it.',
    });
  }
  return { jobId: jobId as string, stdout: Number(stdout), stderr: Number(stderr), ended: end === 'end' };
}
