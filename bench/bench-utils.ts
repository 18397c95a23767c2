import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineSplitter } from '@runctl/core';

/** A scratch folder removed when `use` finishes. */
export async function withScratch<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'runctl-bench-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The reference for log benchmarks: run the program, read its stdout pipe and
 * split it into line strings. Calls `onLine` for each, like a monitor consumer.
 */
export async function readPipe(argv: readonly string[], onLine: (line: string) => void | Promise<void> = () => {}): Promise<{ lines: number; ms: number; firstLineMs: number }> {
  const started = performance.now();
  let firstLineMs = Number.NaN;
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
  const splitter = new LineSplitter();
  let lines = 0;
  for await (const chunk of child.stdout) {
    for (const line of splitter.push(chunk as Buffer)) {
      if (lines++ === 0) firstLineMs = performance.now() - started;
      await onLine(line.text);
    }
  }
  return { lines, ms: performance.now() - started, firstLineMs };
}

/** Samples this process's RSS until `stop()`, returning the peak in MiB. */
export function sampleRss(intervalMs = 20): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss()) / (1 << 20);
    },
  };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
};

/** One markdown table row. */
export const row = (cells: Array<string | number>): string => `| ${cells.join(' | ')} |`;
