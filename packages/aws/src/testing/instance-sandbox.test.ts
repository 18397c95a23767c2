import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createSandbox, parseShutdownCommand, readShutdownRequests } from './instance-sandbox.ts';

describe('instance sandbox shims', () => {
  test('parses the shutdown forms agents use', () => {
    expect(parseShutdownCommand('shutdown', ['-h', 'now'], 5)).toEqual({ kind: 'poweroff', at: 5, delayMinutes: 0 });
    expect(parseShutdownCommand('shutdown', ['-h', '+90', 'max lifetime'], 5)).toEqual({ kind: 'poweroff', at: 5, delayMinutes: 90 });
    expect(parseShutdownCommand('shutdown', [], 5)).toEqual({ kind: 'poweroff', at: 5, delayMinutes: 1 });
    expect(parseShutdownCommand('shutdown', ['-r', 'now'], 5)).toEqual({ kind: 'reboot', at: 5, delayMinutes: 0 });
    expect(parseShutdownCommand('shutdown', ['-c'], 5)).toEqual({ kind: 'cancel', at: 5 });
    expect(parseShutdownCommand('poweroff', [], 5)).toEqual({ kind: 'poweroff', at: 5, delayMinutes: 0 });
    expect(parseShutdownCommand('shutdown', ['-h', 'tomorrow'], 5)).toBeUndefined();
  });

  test('the shutdown and sudo shims record requests instead of acting', () => {
    const root = mkdtempSync(join(tmpdir(), 'sandbox-test-'));
    try {
      const paths = createSandbox(root);
      const env = { PATH: `${paths.bin}:${process.env['PATH'] ?? ''}` };
      execFileSync('sh', ['-c', 'sudo -n shutdown -h +5 && poweroff'], { env, stdio: 'pipe' });
      const { requests, lines } = readShutdownRequests(paths, 0, 1);
      expect(lines).toBe(2);
      expect(requests.map((r) => [r.kind, 'delayMinutes' in r ? r.delayMinutes : undefined])).toEqual([
        ['poweroff', 5],
        ['poweroff', 0],
      ]);
      expect(requests[0]?.at).toBeGreaterThan(1_600_000_000_000);
      expect(readShutdownRequests(paths, 2, 1).requests).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
