import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { agentScript } from '@runctl/agent';
import type { LogEvent, ResourceStatus } from '@runctl/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_BUCKET, startAwsTestEnv, type AwsTestEnv } from './test-support/aws-test-env.ts';
import type { AwsProvider } from './aws-provider.ts';
import { eventually } from './testing/test-helpers.ts';

// A job that checkpoints every step, and once more when it gets SIGTERM.
const CHECKPOINTING_JOB = [
  'trap \'echo "SIGTERM: saving"; echo final > "$RUNCTL_CHECKPOINT_DIR/final.ckpt"; exit 143\' TERM',
  'i=0',
  'while true; do i=$((i + 1)); echo "step $i"; echo "$i" > "$RUNCTL_CHECKPOINT_DIR/step.ckpt"; sleep 0.2; done',
].join('\n');

describe('user data on the fake instance: agent, hard lifetime, spot watcher', () => {
  let env: AwsTestEnv;
  let aws: AwsProvider;
  let scratch: string;
  beforeAll(async () => {
    env = await startAwsTestEnv({ fake: { ec2: { spotInterruptionNoticeMs: 8_000 } } });
    aws = env.provider();
    scratch = await mkdtemp(join(tmpdir(), 'runctl-aws-spot-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
    await env.close();
  });

  it('installs the exact agent the client would, so train need not upload it', async () => {
    const resource = await aws.createResource('t3.micro');
    const { text, version } = await agentScript();
    const installed = join(env.fake.instance(resource.id)?.sandboxDir as string, 'runctl/.runctl', `agent-${version}.sh`);
    expect(await eventually(() => readFile(installed, 'utf8').catch(() => undefined))).toBe(text);
    await aws.terminate(resource.id);
  });

  it('a Spot interruption mid-training ends the job as preempted, with its checkpoint in S3', async () => {
    const resource = await aws.createResource('g4dn.xlarge', { spot: true, name: 'spot-run' });
    const job = await aws.train(resource.id, { name: 'spot-ckpt', command: ['sh', '-c', CHECKPOINTING_JOB] });
    const events: LogEvent[] = [];
    let interrupted = false;
    for await (const event of aws.monitor(resource.id, { jobId: job.jobId })) {
      events.push(event);
      if (!interrupted && event.type === 'log' && event.line === 'step 3') {
        interrupted = true;
        env.fake.interruptSpot(resource.id);
      }
    }
    const exit = events.at(-1);
    expect(exit?.type).toBe('exit');
    expect(exit?.type === 'exit' && exit.status.reason).toBe('preempted');
    expect(events.some((event) => event.type === 'log' && event.line === 'SIGTERM: saving')).toBe(true);

    const object = await env.s3Client.send(new GetObjectCommand({ Bucket: TEST_BUCKET, Key: 'runctl/checkpoints/spot-ckpt/final.ckpt' }));
    expect(await object.Body?.transformToString()).toBe('final\n');

    // EC2 then reclaims the machine: the status says why.
    const gone = await eventually<ResourceStatus>(async () => {
      const status = await aws.getResourceStatus(resource.id);
      return status.state === 'terminated' ? status : undefined;
    }, 20_000);
    expect(gone.message).toContain('Server.SpotInstanceTermination');
    // The checkpoints stay reachable through the resource after the instance is gone.
    const local = join(scratch, 'checkpoints');
    const downloaded = await aws.download(resource.id, `s3://${TEST_BUCKET}/runctl/checkpoints/spot-ckpt/`, local);
    expect(downloaded.files).toBe(2);
    expect(await readFile(join(local, 'final.ckpt'), 'utf8')).toBe('final\n');
  }, 60_000);

  it('syncs the checkpoints of a job that ignores SIGTERM before the machine goes, and monitor ends as preempted', async () => {
    // Checkpoints are synced one second after the notice, well before the machine goes.
    const impatient = env.provider({ spotGrace: '1s' });
    const resource = await impatient.createResource('g4dn.xlarge', { spot: true });
    const stubborn = CHECKPOINTING_JOB.replace(/^trap .*$/m, "trap '' TERM");
    const job = await impatient.train(resource.id, { name: 'stubborn', command: ['sh', '-c', stubborn] });
    let exit: LogEvent | undefined;
    for await (const event of impatient.monitor(resource.id, { jobId: job.jobId })) {
      if (event.type === 'log' && event.line === 'step 2') env.fake.interruptSpot(resource.id, { noticeMs: 8_000 });
      if (event.type === 'exit') exit = event;
    }
    // The machine died under the follower: EC2's StateReason says Spot took it.
    expect(exit?.type === 'exit' && exit.status.reason).toBe('preempted');
    expect(exit?.type === 'exit' && exit.status.message).toContain('Spot');
    const object = await env.s3Client.send(new GetObjectCommand({ Bucket: TEST_BUCKET, Key: 'runctl/checkpoints/stubborn/step.ckpt' }));
    expect(Number(await object.Body?.transformToString())).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('enforces maxLifetime on the machine: it shuts itself down, and EC2 terminates it', async () => {
    const resource = await aws.createResource('t3.micro', { maxLifetime: '2m' });
    expect(resource.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 100_000);
    // One minute of `shutdown +N` lasts one second in the fake.
    const status = await eventually<ResourceStatus>(async () => {
      const current = await aws.getResourceStatus(resource.id);
      return current.state === 'terminated' ? current : undefined;
    }, 20_000);
    expect(env.fake.instance(resource.id)?.stateReason?.code).toBe('Client.InstanceInitiatedShutdown');
    expect(status.message).toContain('Instance initiated shutdown');
  }, 30_000);
});
