import { spawn, spawnSync } from 'node:child_process';
import { readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_AMI, TEST_BUCKET, TEST_PROFILE, startAwsTestEnv, type AwsTestEnv } from './test-support/aws-test-env.ts';
import { eventually } from './testing/test-helpers.ts';

const PYTORCH_IMAGE = '/aws/service/deeplearning/ami/x86_64/oss-nvidia-driver-gpu-pytorch-2.7-ubuntu-22.04/latest/ami-id';
const python = ['python3', '/usr/bin/python3'].find((candidate) => spawnSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);

// examples/aws-spot.ts, run as users run it (default credential chain, endpoints from the
// environment), against the fake cloud: EC2 reclaims the first Spot instance mid-training, and
// the second attempt resumes from the checkpoint the first one synced to S3.
describe('examples/aws-spot.ts', () => {
  let env: AwsTestEnv;
  beforeAll(async () => {
    env = await startAwsTestEnv({ fake: { ec2: { spotInterruptionNoticeMs: 20_000 } } });
    env.fake.setParameter(PYTORCH_IMAGE, TEST_AMI);
  });
  afterAll(async () => {
    await env.close();
    await rm(join(tmpdir(), 'runctl-aws-spot-outputs'), { recursive: true, force: true });
  });

  // CI installs python3-torch, so there this never skips.
  it.skipIf(python === undefined && process.env['CI'] === undefined)('survives a Spot reclaim by resuming from its S3 checkpoint', async () => {
    const child = spawn(process.execPath, ['--conditions=@runctl/source', fileURLToPath(new URL('../../../examples/aws-spot.ts', import.meta.url))], {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        ...env.fake.env(),
        ...env.s3.env(),
        RUNCTL_AWS_BUCKET: TEST_BUCKET,
        RUNCTL_AWS_INSTANCE_PROFILE: TEST_PROFILE,
        RUNCTL_AWS_PYTHON: python ?? 'python3',
        RUNCTL_AWS_EPOCHS: '100',
      },
    });
    let output = '';
    let reclaim: Promise<void> | undefined;
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const first = /attempt 1: \S+ (i-[0-9a-f]+)/.exec(output)?.[1];
      if (reclaim === undefined && first !== undefined) reclaim = reclaimMidRun(first);
    });
    const until = <T>(read: () => Promise<T | undefined>): Promise<T> => eventually(() => read().catch(() => undefined), 120_000);
    // Once the job has trained a few epochs (read from its log on the instance's disk), it is
    // paused while the notice is posted: however fast this machine trains, the watcher's SIGTERM
    // finds it mid-run. It continues once the watcher has marked it preempted.
    const reclaimMidRun = async (instanceId: string): Promise<void> => {
      const jobs = join(env.fake.instance(instanceId)?.sandboxDir as string, 'runctl/.runctl/jobs');
      const job = await until(async () => (await readdir(jobs))[0]);
      await until(async () => ((await readFile(join(jobs, job, 'stdout'), 'utf8')).includes('epoch=3 ') ? true : undefined));
      const pid = Number(await readFile(join(jobs, job, 'pid'), 'utf8'));
      process.kill(-pid, 'SIGSTOP');
      env.fake.interruptSpot(instanceId);
      await until(async () => ((await readFile(join(jobs, job, 'reason'), 'utf8')).includes('preempted') ? true : undefined));
      process.kill(-pid, 'SIGCONT');
    };
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    await reclaim;
    expect(output).toContain('EC2 reclaimed the Spot instance; the checkpoint is in S3. Relaunching');
    expect(output).toMatch(/SIGTERM: saved checkpoint at epoch \d+/);
    expect(output).toMatch(/attempt 2: \S+ i-[0-9a-f]+ \(spot\)/);
    expect(output).toMatch(/resumed from .*checkpoint\.pt at epoch \d+/);
    expect(output).toContain('job succeeded (completed, exit 0)');
    expect(output).toMatch(/downloaded 1 output file\(s\)/);
    expect(status).toBe(0);
  }, 180_000);
});
