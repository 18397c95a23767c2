import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeInstancesCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startFakeAws, type FakeAws, type FakeAwsOptions } from './index.ts';
import { ec2ClientFor, eventually, launch, runCommand, sleep, ssmClientFor } from './test-helpers.ts';

const SPOT = {
  InstanceMarketOptions: {
    MarketType: 'spot' as const,
    SpotOptions: { SpotInstanceType: 'one-time' as const, InstanceInterruptionBehavior: 'terminate' as const },
  },
};

const WATCHER = `(async () => {
const base = process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
const token = await (await fetch(base + "/latest/api/token", {
  method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" } })).text();
require("node:fs").writeFileSync("ready", "");
for (;;) {
  const res = await fetch(base + "/latest/meta-data/spot/instance-action", { headers: { "x-aws-ec2-metadata-token": token } });
  if (res.ok) { require("node:fs").writeFileSync("notice.json", await res.text()); break; }
  await new Promise((r) => setTimeout(r, 50));
}
})()`;

/** Alive and not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('instance lifecycle: spot interruption, self shutdown, processes', () => {
  let fake: FakeAws;
  let ec2: EC2Client;
  let ssm: SSMClient;

  async function start(options: FakeAwsOptions = {}): Promise<void> {
    fake = await startFakeAws({
      ...options,
      ec2: { pendingMs: 30, shuttingDownMs: 50, stoppingMs: 50, shutdownMinuteMs: 200, ...options.ec2 },
      ssm: { onlineAfterMs: 0, ...options.ssm },
    });
    ec2 = ec2ClientFor(fake);
    ssm = ssmClientFor(fake);
  }

  async function running(input: Parameters<typeof launch>[1] = {}): Promise<string> {
    const id = await launch(ec2, input);
    await eventually(async () => {
      const out = await ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [id] }] }));
      return out.InstanceInformationList?.[0]?.PingStatus === 'Online' ? true : undefined;
    });
    return id;
  }

  async function describe(id: string): Promise<Instance> {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    const inst = out.Reservations?.[0]?.Instances?.[0];
    if (!inst) throw new Error('missing');
    return inst;
  }

  const untilState = (id: string, state: string): Promise<Instance> =>
    eventually(async () => {
      const inst = await describe(id);
      return inst.State?.Name === state ? inst : undefined;
    });

  beforeEach(() => start());
  afterEach(async () => {
    ec2.destroy();
    ssm.destroy();
    await fake.close();
  });

  test('interruptSpot: the IMDS notice appears (file and IMDSv2), then the instance terminates', async () => {
    const id = await running({ ...SPOT, MetadataOptions: { HttpTokens: 'required' } });
    const sandbox = fake.instance(id)?.sandboxDir ?? '';
    const noticeFile = join(sandbox, '.imds', 'spot', 'instance-action');
    expect(existsSync(noticeFile)).toBe(false);
    // An agent-style watcher on the instance, polling the notice through IMDSv2.
    const watcher = [`node -e '${WATCHER}'`, 'echo noticed > marker', 'sleep 30'];
    await ssm.send(new SendCommandCommand({ InstanceIds: [id], DocumentName: 'AWS-RunShellScript', Parameters: { commands: watcher } }));
    await eventually(() => (existsSync(join(sandbox, 'ready')) ? true : undefined));

    fake.interruptSpot(id, { noticeMs: 600 });
    const notice = JSON.parse(readFileSync(noticeFile, 'utf8')) as { action: string; time: string };
    expect(notice.action).toBe('terminate');
    expect(notice.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await eventually(() => (existsSync(join(sandbox, 'marker')) ? true : undefined));
    expect(JSON.parse(readFileSync(join(sandbox, 'notice.json'), 'utf8'))).toEqual(notice);
    expect((await describe(id)).State?.Name).toBe('running');

    const gone = await untilState(id, 'terminated');
    expect(gone.StateReason?.Code).toBe('Server.SpotInstanceTermination');
    const info = await ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [id] }] }));
    expect(info.InstanceInformationList?.[0]?.PingStatus).toBe('ConnectionLost');
  });

  test('the instance going away kills its processes, even detached ones; the invocation never completes', async () => {
    const id = await running();
    const sandbox = fake.instance(id)?.sandboxDir ?? '';
    const sent = await ssm.send(
      new SendCommandCommand({
        InstanceIds: [id],
        DocumentName: 'AWS-RunShellScript',
        Parameters: { commands: ['setsid nohup sleep 30 > /dev/null 2>&1 & echo $! > daemon.pid', 'sleep 30'] },
      }),
    );
    const pidFile = join(sandbox, 'daemon.pid');
    const pid = await eventually(() => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined));
    expect(isAlive(pid)).toBe(true);
    fake.instanceShutdown(id);
    await untilState(id, 'stopped');
    await eventually(() => (isAlive(pid) ? undefined : true));
    const inv = await ssm.send(new GetCommandInvocationCommand({ CommandId: sent.Command?.CommandId ?? '', InstanceId: id }));
    expect(inv.Status).toBe('InProgress');
  });

  test('instanceShutdown follows InstanceInitiatedShutdownBehavior', async () => {
    const terminates = await running({ InstanceInitiatedShutdownBehavior: 'terminate' });
    const stops = await running();
    fake.instanceShutdown(terminates);
    fake.instanceShutdown(stops);
    expect((await untilState(terminates, 'terminated')).StateReason?.Code).toBe('Client.InstanceInitiatedShutdown');
    expect((await untilState(stops, 'stopped')).StateReason?.Code).toBe('Client.InstanceInitiatedShutdown');
  });

  test('`shutdown -h +N` run on the instance terminates it after N (scaled) minutes; `shutdown -c` cancels', async () => {
    const cancelled = await running({ InstanceInitiatedShutdownBehavior: 'terminate' });
    await runCommand(ssm, cancelled, ['shutdown -h +1', 'shutdown -c']);
    const id = await running({ InstanceInitiatedShutdownBehavior: 'terminate' });
    const out = await runCommand(ssm, id, ['sudo shutdown -h +1 "max lifetime"', 'echo scheduled']);
    expect(out.StandardOutputContent).toBe('scheduled\n');
    await sleep(100);
    expect((await describe(id)).State?.Name).toBe('running');
    const gone = await untilState(id, 'terminated');
    expect(gone.StateReason?.Code).toBe('Client.InstanceInitiatedShutdown');
    expect((await describe(cancelled)).State?.Name).toBe('running');
  });

  test('runUserData runs a #! user data script once the instance is running', async () => {
    await fake.close();
    await start({ ec2: { runUserData: true } });
    const script = '#!/bin/sh\necho "booted $(cat .imds/instance-id)" > boot.txt\n';
    const id = await launch(ec2, { UserData: Buffer.from(script).toString('base64') });
    const bootFile = join(fake.instance(id)?.sandboxDir ?? '', 'boot.txt');
    const text = await eventually(() => (existsSync(bootFile) ? readFileSync(bootFile, 'utf8') : undefined));
    expect(text).toBe(`booted ${id}\n`);
  });

  test('IMDS answers instance data, enforces IMDSv2 when required, and serves role credentials', async () => {
    const id = await running({ MetadataOptions: { HttpTokens: 'required' } });
    const imds = await fake.imdsEndpoint(id);
    expect((await fetch(`${imds}/latest/meta-data/instance-id`)).status).toBe(401);
    const token = await (
      await fetch(`${imds}/latest/api/token`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } })
    ).text();
    const get = (path: string) => fetch(`${imds}${path}`, { headers: { 'x-aws-ec2-metadata-token': token } });
    expect(await (await get('/latest/meta-data/instance-id')).text()).toBe(id);
    expect((await get('/latest/meta-data/spot/instance-action')).status).toBe(404);
    expect(await (await get('/latest/meta-data/iam/security-credentials/')).text()).toBe('trainer');
    expect(await (await get('/latest/meta-data/iam/security-credentials/trainer')).json()).toMatchObject({ Code: 'Success' });
  });
});
