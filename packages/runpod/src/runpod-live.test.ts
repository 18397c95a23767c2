import { RunctlError, type LogEvent, type LogLineEvent } from '@runctl/core';
import { describe, expect, it } from 'vitest';
import { createRunpod } from './runpod-provider.ts';

// Real RunPod, real money (a few cents): runs only with RUNPOD_API_KEY set, never in CI.
const enabled = process.env['RUNPOD_API_KEY'] !== undefined && process.env['RUNPOD_API_KEY'] !== '' && process.env['CI'] === undefined;

describe.skipIf(!enabled)('runpod live (real API, costs money)', () => {
  it('runs nvidia-smi and a tiny script on the cheapest available pod, then terminates it', async () => {
    const runpod = createRunpod({ readyTimeout: '15m' });
    const offers = (await runpod.listGpuTypes({ cloud: 'SECURE' }))
      .filter((type) => type.source === 'live' && type.pricePerGpuHour.secure !== undefined && type.availability !== undefined && type.availability !== 'NONE')
      .toSorted((a, b) => (a.pricePerGpuHour.secure ?? 0) - (b.pricePerGpuHour.secure ?? 0));
    expect(offers.length).toBeGreaterThan(0);

    let podId: string | undefined;
    try {
      for (const offer of offers.slice(0, 5)) {
        try {
          podId = (await runpod.createResource(offer.id, { name: 'runctl-live-test', maxLifetime: '30m', tags: { purpose: 'live-test' } })).id;
          break;
        } catch (error) {
          if (!RunctlError.hasCode(error, 'CAPACITY')) throw error;
        }
      }
      expect(podId).toBeDefined();
      const id = podId as string;
      const job = await runpod.train(id, {
        command: ['sh', '-c', 'nvidia-smi --query-gpu=name,memory.total --format=csv,noheader && python3 -c "import sys; print(\'python\', sys.version_info[0]); print(sum(range(10)))"'],
        maxRuntime: '5m',
      });
      const events: LogEvent[] = [];
      for await (const event of runpod.monitor(id, { jobId: job.jobId })) events.push(event);
      const stdout = events.filter((event): event is LogLineEvent => event.type === 'log' && event.stream === 'stdout').map((event) => event.line);
      expect(events.at(-1)).toMatchObject({ type: 'exit', status: { state: 'succeeded', exitCode: 0 } });
      expect(stdout).toContain('python 3');
      expect(stdout).toContain('45');
      const status = await runpod.getResourceStatus(id);
      expect(status).toMatchObject({ state: 'running', raw: 'RUNNING' });
      expect(status.costPerHour).toBeGreaterThan(0);
    } finally {
      if (podId !== undefined) await runpod.terminate(podId);
    }
    if (podId !== undefined) {
      const after = await runpod.getResourceStatus(podId).catch((error: unknown) => error);
      expect(RunctlError.hasCode(after, 'NOT_FOUND') || (after as { state?: string }).state === 'terminated').toBe(true);
    }
  }, 30 * 60_000);
});
