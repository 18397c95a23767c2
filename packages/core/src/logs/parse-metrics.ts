/** Numeric metrics found in one log line, by name. */
export type Metrics = Record<string, number>;

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf(?:inity)?)`;
const KEY = String.raw`[A-Za-z_][\w./-]*`;
// `loss=0.12`, `loss: 0.12`, `'loss': 0.12` (Python dict reprs), each bounded so `v2=3` in a path is skipped.
const PAIR = new RegExp(String.raw`(?:^|[\s,{(|\[])['"]?(${KEY})['"]?\s*[=:]\s*(${NUMBER})(?=$|[\s,;})|\]%])`, 'gi');

/**
 * Extracts numeric metrics from a log line in the common formats:
 * JSON objects (`{"loss": 0.12, "step": 3}`), `key=value` pairs
 * (`step=3 loss=0.12`), and `key: value` pairs (`Epoch 1 | loss: 0.12, acc: 0.9`,
 * including Python dict reprs). Returns `undefined` when there are none.
 *
 * @example
 * ```ts
 * parseMetrics('step=10 loss=0.25 lr=3e-4'); // { step: 10, loss: 0.25, lr: 0.0003 }
 * parseMetrics('{"epoch": 2, "val_acc": 0.91}'); // { epoch: 2, val_acc: 0.91 }
 * ```
 */
export function parseMetrics(line: string): Metrics | undefined {
  const trimmed = line.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
    const fromJson = metricsFromJson(trimmed);
    if (fromJson !== undefined) return fromJson;
  }
  let metrics: Metrics | undefined;
  PAIR.lastIndex = 0;
  for (let match = PAIR.exec(trimmed); match !== null; match = PAIR.exec(trimmed)) {
    const value = toNumber(match[2] as string);
    if (value === undefined) continue;
    (metrics ??= {})[match[1] as string] = value;
    // Let the next pair reuse the separator that ended this one.
    PAIR.lastIndex = match.index + match[0].length;
  }
  return metrics;
}

function metricsFromJson(text: string): Metrics | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  let metrics: Metrics | undefined;
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'number' && Number.isFinite(value)) (metrics ??= {})[key] = value;
  }
  return metrics;
}

function toNumber(text: string): number | undefined {
  const lower = text.toLowerCase().replace(/^\+/, '');
  if (lower === 'nan') return Number.NaN;
  if (lower === 'inf' || lower === 'infinity') return Number.POSITIVE_INFINITY;
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}
