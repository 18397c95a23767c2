import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type LoopbackSshd } from '@runctl/test-utils';
import type { LogEvent } from '@runctl/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsTestEnv, type AwsTestEnv } from './test-support/aws-test-env.ts';

// The SSH data plane: the fake EC2 instance's address is mapped (ssh.endpoint) to a real OpenSSH server on loopback.
describe("transport: 'ssh'", () => {
  let env: AwsTestEnv;
  let sshd: LoopbackSshd;
  let root: string;
  beforeAll(async () => {
    env = await startAwsTestEnv({ fake: { ec2: { runUserData: false } } });
    sshd = await startSshd();
    root = await mkdtemp(join(tmpdir(), 'runctl-aws-ssh-'));
  });
  afterAll(async () => {
    await sshd.close();
    await env.close();
    await rm(root, { recursive: true, force: true });
  });

  it('trains, follows and downloads over SSH, pinning each instance’s host key in its own file', async () => {
    const aws = env.provider({
      transport: 'ssh',
      keyName: 'runctl-test',
      workspace: join(root, 'workspace'),
      ssh: { username: sshd.user, privateKey: sshd.userKey.privateKey, knownHostsDir: join(root, 'known_hosts'), endpoint: () => ({ host: sshd.host, port: sshd.port }) },
    }, { bucket: false });
    const resource = await aws.createResource('t3.micro');
    expect(env.fake.instance(resource.id)?.userDataText).toContain(`run_as=${sshd.user}`);
    const workdir = join(root, 'code');
    await mkdir(workdir, { recursive: true });
    await writeFile(join(workdir, 'train.sh'), 'echo "epoch 1"; mkdir -p outputs; echo weights > outputs/model.txt\n');
    const job = await aws.train(resource.id, { script: 'train.sh', workdir });
    const events: LogEvent[] = [];
    for await (const event of aws.monitor(resource.id, { jobId: job.jobId })) events.push(event);
    expect(events.filter((event) => event.type === 'log').map((event) => event.type === 'log' && event.line)).toEqual(['epoch 1']);
    expect(events.at(-1)).toMatchObject({ type: 'exit', status: { state: 'succeeded' } });
    await aws.download(resource.id, 'outputs/model.txt', join(root, 'model.txt'));
    expect(await readFile(join(root, 'model.txt'), 'utf8')).toBe('weights\n');
    expect(await readFile(join(root, 'known_hosts', resource.id), 'utf8')).toContain(sshd.hostKey.publicKey.split(' ')[1]);
    expect(env.fake.commands()).toEqual([]);
    await aws.terminate(resource.id);
  });
});
