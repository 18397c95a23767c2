import type { TrainingStatus } from './training-status.ts';

/** Which output a line came from. `system` lines come from runctl or the provider. */
export type LogStream = 'stdout' | 'stderr' | 'system';

/** One line of job output. */
export interface LogLineEvent {
  type: 'log';
  stream: LogStream;
  /** The text, without its line terminator. Invalid UTF-8 shows as U+FFFD; see `bytes`. */
  line: string;
  /** The exact bytes, present only when they are not valid UTF-8. */
  bytes?: Uint8Array;
  /** When the line was written, as precisely as the provider records it. */
  timestamp: Date;
  /**
   * Opaque position just after this event. Store it anywhere; pass it to
   * `monitor({ cursor })`, in this or another process, to resume exactly here.
   */
  cursor: string;
  /** The line ended with `\r`, not `\n`: a progress-bar update that replaces the previous one. */
  progress?: boolean;
  /** The line was cut (too long, or still being written) and continues in the next event. */
  continued?: boolean;
}

/** The last event of a job's log. */
export interface LogExitEvent {
  type: 'exit';
  status: TrainingStatus;
  cursor: string;
}

/**
 * What `monitor` yields.
 *
 * Within one stream, events arrive in exact order, and resuming from a cursor
 * yields exactly the events after it. stdout and stderr are separate pipes,
 * so how their lines interleave is only as precise as the provider's clock
 * (one second for the job agent).
 */
export type LogEvent = LogLineEvent | LogExitEvent;
