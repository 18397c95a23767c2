import { InvalidInputError } from '@runctl/core';

/** Where a reader stands in a run's output: how many log events it has had. */
export interface RunPosition {
  executionId: string;
  /** Log events delivered so far; the next one has this index. */
  events: number;
  /** The exit event has been delivered. */
  ended: boolean;
}

const PREFIX = 'l1';

/** Execution ids as Lyceum makes them (UUIDs); also guards URLs built from them. */
export function isExecutionId(value: string): boolean {
  return /^[A-Za-z0-9_-]{1,128}$/.test(value);
}

/**
 * Cursors look like `l1.<executionId>.<events>[.end]`; callers treat them as
 * opaque. Counting events (not bytes) works for both sources of a run's
 * output, the live stream and the stored logs, because both are cut into
 * lines by the same splitter.
 */
export function encodeRunCursor(position: RunPosition): string {
  return `${PREFIX}.${position.executionId}.${position.events}${position.ended ? '.end' : ''}`;
}

/** Parses a run cursor; anything else is `INVALID_INPUT` on `options.cursor`. */
export function decodeRunCursor(cursor: string, provider?: string): RunPosition {
  const parts = cursor.split('.');
  const [prefix, executionId, events, end] = parts;
  const valid =
    prefix === PREFIX &&
    executionId !== undefined &&
    isExecutionId(executionId) &&
    /^\d{1,15}$/.test(events ?? '') &&
    (parts.length === 3 || (parts.length === 4 && end === 'end'));
  if (!valid) {
    throw new InvalidInputError({
      field: 'options.cursor',
      provider,
      message: `Invalid options.cursor: ${JSON.stringify(cursor.slice(0, 80))} is not a runctl log cursor of a Lyceum run.`,
      hint: 'Pass back the cursor of a log event exactly as you received it.',
    });
  }
  return { executionId: executionId as string, events: Number(events), ended: end === 'end' };
}
