/** What one event of a run's stream means. */
export type RunEvent =
  | { kind: 'output'; content: string }
  | {
      kind: 'finished';
      /** The exit code, if the stream gave a readable one. */
      returnCode: number | undefined;
      /** Present when Lyceum reports a failure of its own (not the user's code). */
      error: string | undefined;
    }
  | { kind: 'ignored' };

/** How a run ended, as its stream's `jobFinished` said. */
export type RunFinish = Extract<RunEvent, { kind: 'finished' }>;

const IGNORED: RunEvent = { kind: 'ignored' };

/**
 * Reads the JSON in an event's `data`:
 * - `{"output": {"content": "…"}}`: a chunk of output;
 * - `{"jobFinished": {"job": {"result": {"returnCode": 0 | "0", "error"?: "…"}}}}`: the end;
 * - the legacy `{"type": "output" | "completed" | "error", …}` forms.
 * Anything else (keep-alives, unknown events) is ignored.
 */
export function parseRunEvent(data: string): RunEvent {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return IGNORED;
  }
  if (typeof value !== 'object' || value === null) return IGNORED;
  const record = value as Record<string, unknown>;
  const output = record['output'];
  if (typeof output === 'object' && output !== null && typeof (output as { content?: unknown }).content === 'string') {
    return { kind: 'output', content: (output as { content: string }).content };
  }
  if ('jobFinished' in record) {
    const result = ((record['jobFinished'] as { job?: { result?: unknown } } | null)?.job?.result ?? {}) as Record<string, unknown>;
    return { kind: 'finished', returnCode: parseReturnCode(result['returnCode']), error: nonEmpty(result['error']) };
  }
  switch (record['type']) {
    case 'output':
      return typeof record['content'] === 'string' ? { kind: 'output', content: record['content'] } : IGNORED;
    case 'completed':
      return { kind: 'finished', returnCode: parseReturnCode(record['returnCode'] ?? record['return_code']), error: undefined };
    case 'error':
      return { kind: 'finished', returnCode: undefined, error: nonEmpty(record['message']) ?? 'Lyceum reported an error' };
    default:
      return IGNORED;
  }
}

/** `0`, `"0"`, `"1"` → numbers; anything unreadable → undefined. */
export function parseReturnCode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
  return undefined;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
