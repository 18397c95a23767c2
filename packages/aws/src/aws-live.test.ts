import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEvent } from '@runctl/core';
import { describe, expect, it } from 'vitest';
import { createAws } from './aws-provider.ts';

// Real AWS, real money: only with credentials AND RUNCTL_AWS_LIVE=1, never in CI. Needs
// RUNCTL_AWS_BUCKET and RUNCTL_AWS_INSTANCE_PROFILE (see docs/providers/aws.md);
// RUNCTL_AWS_REGION and RUNCTL_AWS_INSTANCE_TYPE are optional. One t3.micro, at most 30 minutes.
const env = process.env;
const hasCredentials = [env['AWS_ACCESS_KEY_ID'], env['AWS_PROFILE'], env['AWS_WEB_IDENTITY_TOKEN_FILE'], env['AWS_CONTAINER_CREDENTIALS_FULL_URI']].some((value) => value !== undefined && value !== '');
const live = env['RUNCTL_AWS_LIVE'] === '1' && hasCredentials && env['CI'] === undefined;

describe.runIf(live)('live AWS (RUNCTL_AWS_LIVE=1)', () => {
  it('creates, trains over SSM with a workdir, follows, downloads and terminates', async () => {
    const aws = createAws({
      ...(env['RUNCTL_AWS_REGION'] ? { region: env['RUNCTL_AWS_REGION'] } : {}),
      bucket: env['RUNCTL_AWS_BUCKET'] as string,
      instanceProfile: env['RUNCTL_AWS_INSTANCE_PROFILE'] as string,
    });
    const scratch = await mkdtemp(join(tmpdir(), 'runctl-aws-live-'));
    const resource = await aws.createResource(env['RUNCTL_AWS_INSTANCE_TYPE'] ?? 't3.micro', { name: 'runctl-live-test', maxLifetime: '30m', tags: { purpose: 'runctl-live-test' } });
    try {
      await writeFile(join(scratch, 'job.sh'), 'echo "hello from $(hostname)"; mkdir -p outputs; echo done > outputs/result.txt\n');
      const job = await aws.train(resource.id, { script: 'job.sh', workdir: scratch, name: 'live' });
      const events: LogEvent[] = [];
      for await (const event of aws.monitor(resource.id, { jobId: job.jobId })) events.push(event);
      expect(events.at(-1)).toMatchObject({ type: 'exit', status: { state: 'succeeded' } });
      expect(events.some((event) => event.type === 'log' && event.line.startsWith('hello from'))).toBe(true);
      await aws.download(resource.id, 'outputs/result.txt', join(scratch, 'result.txt'));
      expect(await readFile(join(scratch, 'result.txt'), 'utf8')).toBe('done\n');
      const estimate = await aws.estimateCost(resource.instanceType, 1);
      expect(estimate.costPerHour).toBeGreaterThan(0);
    } finally {
      await aws.terminate(resource.id);
      aws.close();
      await rm(scratch, { recursive: true, force: true });
    }
    expect(['terminating', 'terminated']).toContain((await aws.getResourceStatus(resource.id)).state);
  }, 20 * 60_000);
});
