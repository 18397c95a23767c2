import { formatDuration } from '@runctl/core';

export const money = (value: number): string => `$${value < 10 ? value.toFixed(3) : value.toFixed(2)}`;

export const age = (since: Date | undefined, now = Date.now()): string => (since === undefined ? '-' : formatDuration(Math.max(0, now - since.getTime())));

/** Parses repeated `KEY=VALUE` flags. */
export function keyValues(entries: readonly string[] | undefined, flag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of entries ?? []) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new Error(`--${flag} expects KEY=VALUE, got ${JSON.stringify(entry)}`);
    result[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return result;
}
