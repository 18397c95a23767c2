import { describe, expect, it } from 'vitest';
import type { LogEvent } from '@runctl/core';
import { createLyceum } from './lyceum-provider.ts';

// Against the real Lyceum API: only with LYCEUM_API_KEY, and never in CI.
// The run test costs a few seconds of a cpu run; the VM test (LYCEUM_LIVE_VM=1)
// bills a cpu VM for several minutes and always terminates it.
const live = process.env.LYCEUM_API_KEY !== undefined && process.env.LYCEUM_API_KEY !== '' && process.env.CI === undefined;

async function collect(events: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const result: LogEvent[] = [];
  for await (const event of events) result.push(event);
  return result;
}

describe.skipIf(!live)('lyceum (live API)', () => {
  const provider = createLyceum();

  it('prices an a100 from /machine-types', async () => {
    const estimate = await provider.estimateCost('a100', 1);
    expect(estimate.source).toBe('live');
    expect(estimate.costPerHour).toBeGreaterThan(0);
  }, 30_000);

  it('lists VMs in one call', async () => {
    expect(Array.isArray(await provider.listResources())).toBe(true);
  }, 30_000);

  it('runs a short Python run and streams its output', async () => {
    const resource = await provider.createResource('run:cpu', { name: 'runctl-live-test' });
    try {
      const job = await provider.train(resource.id, { command: ['python3', '-c', 'print("hello from runctl")'], maxRuntime: '2m' });
      const events = await collect(provider.monitor(resource.id, { jobId: job.jobId }));
      expect(events.some((event) => event.type === 'log' && event.line.includes('hello from runctl'))).toBe(true);
      expect(events.at(-1)).toMatchObject({ type: 'exit', status: { state: 'succeeded' } });
    } finally {
      await provider.terminate(resource.id);
    }
  }, 300_000);

  it.skipIf(process.env.LYCEUM_LIVE_VM !== '1')('VM mode: create, train over SSH, terminate', async () => {
    const resource = await provider.createResource('cpu', { name: 'runctl-live-vm', maxLifetime: '30m' });
    try {
      const job = await provider.train(resource.id, { command: ['sh', '-c', 'uname -a; echo done'] });
      const events = await collect(provider.monitor(resource.id, { jobId: job.jobId }));
      expect(events.at(-1)).toMatchObject({ type: 'exit', status: { state: 'succeeded', exitCode: 0 } });
    } finally {
      await provider.terminate(resource.id);
      await provider.close();
    }
  }, 20 * 60_000);
});
