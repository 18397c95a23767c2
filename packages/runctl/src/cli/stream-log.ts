import type { LogEvent, TrainingStatus } from '@runctl/core';
import type { Output } from './output.ts';

/** Prints log events as they come; returns the final status (or undefined if the stream stopped first). */
export async function printLogEvents(
  events: AsyncIterable<LogEvent>,
  output: Output,
  onCursor: (cursor: string) => void,
): Promise<TrainingStatus | undefined> {
  let progressShown = false;
  for await (const event of events) {
    onCursor(event.cursor);
    if (output.json) {
      output.line(JSON.stringify(event));
      if (event.type === 'exit') return event.status;
      continue;
    }
    if (event.type === 'exit') {
      if (progressShown) output.note('');
      return event.status;
    }
    if (event.progress) {
      // Progress bars redraw in place on a terminal; in a pipe only their final line matters.
      if (output.interactive) {
        process.stderr.write(`\r\x1b[K${event.line}`);
        progressShown = true;
      }
      continue;
    }
    if (progressShown) {
      process.stderr.write('\r\x1b[K');
      progressShown = false;
    }
    if (event.stream === 'stderr') output.note(event.line);
    else if (event.continued) output.write(event.line);
    else output.line(event.line);
  }
  return undefined;
}

/** One line about how a job ended. */
export function describeEnd(status: TrainingStatus): string {
  const code = status.exitCode === undefined ? '' : ` with exit code ${status.exitCode}`;
  return `job ${status.jobId} ${status.state}${code} (${status.reason ?? 'no reason'})${status.message ? `: ${status.message}` : ''}`;
}

/** The job's exit code as a process exit code. */
export function exitCodeOf(status: TrainingStatus): number {
  if (status.exitCode !== undefined) return Math.min(255, Math.max(0, status.exitCode));
  return status.state === 'succeeded' ? 0 : 1;
}
