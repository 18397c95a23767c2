import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_CREDENTIALS, instanceS3Env, provideAwsCli, startFakeAws, startS3Server, type FakeAws, type S3Server } from '@runctl/aws/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryFromEnv } from './registry-from-env.ts';
import { runCli, runCliJson, type CliRun } from './test-support/run-cli.ts';

// The real binary, from source, as a subprocess, against the fake AWS cloud
// (EC2 and SSM, served from this process; SSM commands really run, in one
// sandbox folder per instance) and a real S3 server (s3rver) on loopback.
// Everything runs asynchronously: a synchronous spawn would block the fakes.

const BUCKET = 'runctl-cli';
const PROFILE = 'runctl-instance';
const AMI = 'ami-0123456789abcdef0';
/** The On-Demand price of g5.xlarge in the price table bundled with the provider (us-east-1). */
const G5_PRICE = 1.006;

let root: string;
let env: NodeJS.ProcessEnv;
let fake: FakeAws;
let s3: S3Server;

const runctl = (args: readonly string[], overrides: NodeJS.ProcessEnv = {}, onStdout?: (stdout: string) => void): Promise<CliRun> =>
  runCli(args, { ...env, ...overrides }, onStdout);
const json = <T>(args: readonly string[]): Promise<T> => runCliJson<T>(args, env);

interface Resource {
  id: string;
  provider: string;
  name: string;
  state: string;
  raw: string;
  instanceType: string;
  costPerHour: number;
  tags: Record<string, string>;
  expiresAt?: string;
}

/** The public image parameters a launch resolves: the Deep Learning AMI (GPU types) and Ubuntu. */
function imageParameters(): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const [arch, ubuntu] of [['x86_64', 'amd64'], ['arm64', 'arm64']] as const) {
    parameters[`/aws/service/deeplearning/ami/${arch}/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id`] = AMI;
    parameters[`/aws/service/canonical/ubuntu/server/22.04/stable/current/${ubuntu}/hvm/ebs-gp2/ami-id`] = AMI;
  }
  return parameters;
}

/**
 * Launches an instance runctl did not create (no `runctl:managed` tag) but
 * that carries an expiry long past, with a plain SigV4-shaped Query request
 * (the fake checks the credential scope, not the signature).
 */
async function launchForeignInstance(): Promise<string> {
  const before = new Set(fake.instances().map((instance) => instance.instanceId));
  const body = new URLSearchParams({
    Action: 'RunInstances',
    Version: '2016-11-15',
    ImageId: AMI,
    InstanceType: 't3.micro',
    MinCount: '1',
    MaxCount: '1',
    'TagSpecification.1.ResourceType': 'instance',
    'TagSpecification.1.Tag.1.Key': 'Name',
    'TagSpecification.1.Tag.1.Value': 'not-ours',
    'TagSpecification.1.Tag.2.Key': 'runctl:expires-at',
    'TagSpecification.1.Tag.2.Value': '2020-01-01T00:00:00.000Z',
  });
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  const response = await fetch(fake.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: `AWS4-HMAC-SHA256 Credential=${FAKE_CREDENTIALS.accessKeyId}/${day}/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
    },
    body,
  });
  expect(response.status, await response.text()).toBe(200);
  const [id] = fake.instances().map((instance) => instance.instanceId).filter((instanceId) => !before.has(instanceId));
  return id as string;
}

beforeAll(async () => {
  provideAwsCli();
  [s3, root] = await Promise.all([startS3Server({ buckets: [BUCKET] }), mkdtemp(join(tmpdir(), 'runctl-cli-aws-'))]);
  fake = await startFakeAws({
    // The user data runs as cloud-init would (job agent, lifetime timer). One minute of
    // its `shutdown -h +N` lasts 10 real minutes, so no lifetime runs out during the tests.
    ec2: { runUserData: true, shutdownMinuteMs: 600_000 },
    ssm: {
      onlineAfterMs: 50,
      parameters: imageParameters(),
      env: instanceS3Env(s3),
    },
  });
  env = {
    PATH: process.env['PATH'],
    HOME: root,
    RUNCTL_LOCAL_ROOT: join(root, 'local'),
    // Region, EC2/SSM endpoint, credentials (s3rver's pair, which the EC2/SSM fake accepts too).
    ...fake.env(),
    ...s3.env(),
    RUNCTL_AWS_BUCKET: BUCKET,
    RUNCTL_AWS_INSTANCE_PROFILE: PROFILE,
  };
});

afterAll(async () => {
  await Promise.all([fake?.close(), s3?.close()]);
  if (root) await rm(root, { recursive: true, force: true });
});

// Every CLI run is a fresh Node process (about a second each here): allow a loaded machine some slack.
describe('runctl CLI (real binary) against the fake AWS cloud', { timeout: 60_000 }, () => {
  const made: { g5?: Resource; a10g?: Resource; local?: Resource } = {};

  it('lists aws as available with the credential source and settings, without calling AWS', async () => {
    const calls = fake.calls.length;
    const { status, stdout } = await runctl(['providers']);
    expect(status).toBe(0);
    expect(stdout).toMatch(new RegExp(`^aws\\s+yes\\s+credentials from AWS_ACCESS_KEY_ID is set \\(RUNCTL_AWS_BUCKET=${BUCKET}, RUNCTL_AWS_INSTANCE_PROFILE=${PROFILE}\\)$`, 'm'));
    const entries = await json<Array<{ provider: string; available: boolean; reason: string }>>(['providers']);
    expect(entries.filter((entry) => entry.available).map((entry) => entry.provider)).toEqual(['local', 'aws']);
    // Without credentials it is not registered, and says where it looked.
    const bare = await runctl(['providers', '--json'], { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' });
    expect(JSON.parse(bare.stdout)).toContainEqual({ provider: 'aws', available: false, reason: expect.stringMatching(/^no AWS credentials found/) });
    expect(fake.calls.length).toBe(calls);
  });

  it('creates g5.xlarge and the A10G alias; ls lists them merged with local; status shows state and $/h', async () => {
    const [g5, a10g, local] = await Promise.all([
      json<Resource>(['create', 'g5.xlarge', '--provider', 'aws', '--name', 'cli-g5', '--tag', 'team=ml']),
      json<Resource>(['create', 'A10G', '--provider', 'aws', '--name', 'cli-a10g']),
      json<Resource>(['create', 'local', '--name', 'cli-local']),
    ]);
    Object.assign(made, { g5, a10g, local });
    for (const [resource, name] of [[g5, 'cli-g5'], [a10g, 'cli-a10g']] as const) {
      expect(resource).toMatchObject({ provider: 'aws', name, instanceType: 'g5.xlarge', costPerHour: G5_PRICE, state: expect.stringMatching(/^(starting|running)$/) });
      expect(resource.id).toMatch(/^i-[0-9a-f]{17}$/);
      // What EC2 was really asked for: the type, the image, the profile, a terminating shutdown, runctl's tags.
      const instance = fake.instance(resource.id);
      expect(instance).toMatchObject({ instanceType: 'g5.xlarge', imageId: AMI, iamInstanceProfile: { name: PROFILE }, shutdownBehavior: 'terminate' });
      expect(instance?.tags).toMatchObject({ 'runctl:managed': 'true', 'runctl:name': name });
      expect(instance?.userDataText).toContain('lifetime_minutes=1440');
    }
    expect(fake.instance(g5.id)?.tags['team']).toBe('ml');

    const table = await runctl(['ls']);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^aws:${g5.id}\\s+cli-g5\\s+(running|starting \\(pending\\))\\s+g5\\.xlarge\\s+\\$1\\.006\\s`, 'm'));
    expect(table.stdout).toMatch(new RegExp(`^aws:${a10g.id}\\s+cli-a10g\\s+(running|starting \\(pending\\))\\s+g5\\.xlarge\\s+\\$1\\.006\\s`, 'm'));
    expect(table.stdout).toMatch(new RegExp(`^local:${local.id}\\s+cli-local\\s+running`, 'm'));

    const { resources, failures } = await json<{ resources: Resource[]; failures: unknown[] }>(['ls']);
    expect(failures).toEqual([]);
    expect(resources.map((resource) => `${resource.provider}:${resource.id}`).sort()).toEqual([`aws:${a10g.id}`, `aws:${g5.id}`, `local:${local.id}`].sort());
    expect(resources.find((resource) => resource.id === g5.id)).toMatchObject({ name: 'cli-g5', state: 'running', raw: 'running', costPerHour: G5_PRICE });

    const status = await runctl(['status', `aws:${g5.id}`]);
    expect(status.status).toBe(0);
    expect(status.stdout).toContain(`aws:${g5.id}  running (running)\n  name cli-g5, type g5.xlarge, $1.006/h, up `);
    expect(status.stdout).toMatch(/\n {2}expires \d{4}-\d\d-\d\dT/);
    const aliasStatus = await json<{ resource: Resource }>(['status', `aws:${a10g.id}`]);
    expect(aliasStatus.resource).toMatchObject({ id: a10g.id, state: 'running', instanceType: 'g5.xlarge', costPerHour: G5_PRICE });
    // An id EC2 does not know is "not found" (exit 3), not a crash.
    const missing = await runctl(['status', 'aws:i-0123456789abcdef0']);
    expect(missing.status).toBe(3);
    expect(missing.stderr).toMatch(/^error aws: No runctl instance i-0123456789abcdef0/);
  });

  // The job waits for a gate file before its last epochs, so the first line must
  // have streamed out (through SSM reads of its log) while it was still running.
  const JOB = [
    'echo "epoch=1 loss=0.1"',
    'while [ ! -e "$GATE" ]; do sleep 0.05; done',
    'for i in 2 3; do echo "epoch=$i loss=0.$i"; done',
    'mkdir -p outputs "$RUNCTL_CHECKPOINT_DIR"',
    'echo "weights" > outputs/model.txt',
    'echo "step 3" > "$RUNCTL_CHECKPOINT_DIR/step-3.txt"',
    'echo "to stderr" >&2',
    'exit 3',
  ].join('; ');

  it('train -f streams the output over SSM and exits with the job code; logs --cursor resumes exactly; download works', async () => {
    const ref = `aws:${made.g5?.id}`;
    const instance = fake.instance(made.g5?.id as string);
    const gate = join(root, 'gate');
    const commandsBefore = fake.commands().length;
    let streamedEarly = false;
    // Should nothing stream, the gate opens anyway after a while, and the test fails on streamedEarly.
    const fallback = setTimeout(() => void writeFile(gate, ''), 20_000);
    const trained = await runctl(['train', '--resource', ref, '--env', `GATE=${gate}`, '-f', 'sh', '-c', JOB], {}, (stdout) => {
      if (!streamedEarly && stdout.includes('epoch=1 loss=0.1\n')) {
        streamedEarly = !stdout.includes('epoch=2');
        void writeFile(gate, '');
      }
    }).finally(() => clearTimeout(fallback));
    expect(streamedEarly).toBe(true);
    expect(trained.stdout).toBe('epoch=1 loss=0.1\nepoch=2 loss=0.2\nepoch=3 loss=0.3\n');
    expect(trained.stderr).toContain('to stderr');
    const ended = /job (\S+) failed with exit code 3 \(completed\)/.exec(trained.stderr);
    expect(ended, trained.stderr).not.toBeNull();
    expect(trained.status).toBe(3);
    const jobId = (ended as RegExpExecArray)[1] as string;

    // It ran on the instance, through SSM Run Command: in its sandbox, under the workspace ~/runctl.
    const commands = fake.commands().slice(commandsBefore);
    expect(commands.length).toBeGreaterThan(0);
    expect(commands.every((command) => command.documentName === 'AWS-RunShellScript' && command.invocations.every((invocation) => invocation.instanceId === made.g5?.id))).toBe(true);
    expect(await readFile(join(instance?.sandboxDir as string, 'runctl', 'outputs', 'model.txt'), 'utf8')).toBe('weights\n');

    const events = (await runctl(['logs', ref, '--job', jobId, '--json'])).stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; line?: string; cursor: string });
    expect(events.filter((event) => event.type === 'log').map((event) => event.line)).toEqual(['epoch=1 loss=0.1', 'epoch=2 loss=0.2', 'epoch=3 loss=0.3', 'to stderr']);
    const afterEpoch1 = events.find((event) => event.line === 'epoch=1 loss=0.1') as { cursor: string };
    const resumed = await runctl(['logs', ref, '--cursor', afterEpoch1.cursor, '-f']);
    expect(resumed.stdout).toBe('epoch=2 loss=0.2\nepoch=3 loss=0.3\n');
    expect(resumed.stderr).toContain('to stderr');
    expect(resumed.status).toBe(3);

    // A workspace file comes back through S3 (pushed by the instance, fetched by the CLI);
    // the checkpoint was synced to the bucket when the job ended, and comes straight from S3.
    const target = join(root, 'model.txt');
    const checkpoint = join(root, 'step-3.txt');
    const [downloaded, fromBucket] = await Promise.all([
      runctl(['download', ref, 'outputs/model.txt', target]),
      runctl(['download', ref, `s3://${BUCKET}/runctl/checkpoints/${jobId}/step-3.txt`, checkpoint]),
    ]);
    expect(downloaded.stdout, downloaded.stderr).toBe(`downloaded 1 file(s), 8 bytes, to ${target}\n`);
    expect(await readFile(target, 'utf8')).toBe('weights\n');
    expect(fromBucket.status, fromBucket.stderr).toBe(0);
    expect(await readFile(checkpoint, 'utf8')).toBe('step 3\n');
    const status = await json<{ job: { state: string; exitCode: number } }>(['status', ref, '--job', jobId]);
    expect(status.job).toMatchObject({ state: 'failed', exitCode: 3 });
  });

  it('cost estimate and cost compare include aws rows with their source and age', async () => {
    const estimate = await runctl(['cost', 'estimate', 'g5.xlarge', '--provider', 'aws', '--hours', '3']);
    expect(estimate.status).toBe(0);
    expect(estimate.stdout).toMatch(/^aws g5\.xlarge: \$1\.006\/h × 3 h = \$3\.018 \(spot \$0\.\d{3}\/h\) {2}\[bundled, \w+ old\]\n$/);
    const priced = await json<{ provider: string; instanceType: string; costPerHour: number; spotCostPerHour: number; total: number; source: string; asOf: string }>(['cost', 'estimate', 'A10G', '--provider', 'aws', '--hours', '3']);
    expect(priced).toMatchObject({ provider: 'aws', instanceType: 'g5.xlarge', costPerHour: G5_PRICE, source: 'bundled' });
    // The age of a bundled price is that of the table: when it was compiled, not when it was read.
    const asOf = Date.parse(priced.asOf);
    expect(asOf).toBeLessThan(Date.now() - 60_000);
    expect(priced.total).toBeCloseTo(3.018, 10);
    // Spot comes live from DescribeSpotPriceHistory.
    expect(priced.spotCostPerHour).toBeGreaterThan(0);
    expect(priced.spotCostPerHour).toBeLessThan(G5_PRICE);
    expect(fake.callsTo('DescribeSpotPriceHistory').length).toBeGreaterThan(0);

    const compare = await runctl(['cost', 'compare', '--gpu', 'A10G', '--hours', '10']);
    expect(compare.status).toBe(0);
    const rows = compare.stdout.trim().split('\n').slice(1).map((line) => line.split(/\s{2,}/));
    const old = expect.stringMatching(/^\w+$/);
    expect(rows).toEqual([
      ['aws', 'g5.xlarge', '1', '$1.006', '$10.06', expect.stringMatching(/^\$0\.\d{3}$/), 'bundled', old],
      ['aws', 'g5.12xlarge', '4', '$5.672', '$56.72', expect.stringMatching(/^\$\d\.\d{3}$/), 'bundled', old],
      // No Spot price history for this one: the On-Demand price alone.
      ['aws', 'g5.48xlarge', '8', '$16.29', '$162.88', '-', 'bundled', old],
    ]);
    const compared = await json<{ gpu: string; rows: Array<{ provider: string; instanceType: string; costPerHour: number; source: string; ageMs: number }>; failures: unknown[] }>(['cost', 'compare', '--gpu', 'a10g']);
    expect(compared).toMatchObject({ gpu: 'A10G', failures: [] });
    expect(compared.rows.map((row) => [row.provider, row.instanceType, row.costPerHour, row.source])).toEqual([
      ['aws', 'g5.xlarge', G5_PRICE, 'bundled'],
      ['aws', 'g5.12xlarge', 5.672, 'bundled'],
      ['aws', 'g5.48xlarge', 16.288, 'bundled'],
    ]);
    for (const row of compared.rows) expect(Math.abs(row.ageMs - Math.max(0, Date.now() - asOf))).toBeLessThan(60_000);
  });

  it('exits 4 when AWS denies the credentials, with one error line that never shows them', async () => {
    const secret = { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY-SECRET-0123', AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEXAMPLE-SESSION-SECRET-4567' };
    const leaks = (run: CliRun): string[] => Object.values(secret).filter((value) => `${run.stdout}${run.stderr}`.includes(value));
    try {
      fake.failNext('ec2:DescribeInstances', { code: 'UnauthorizedOperation' });
      const listed = await runctl(['ls', '--provider', 'aws'], secret);
      expect(listed.status).toBe(4);
      const lines = listed.stderr.trim().split('\n');
      expect(lines.filter((line) => line.startsWith('error'))).toEqual([
        expect.stringMatching(/^error aws: AWS DescribeInstances failed: UnauthorizedOperation: You are not authorized to perform this operation\./),
      ]);
      expect(lines.every((line) => line.startsWith('error') || line.startsWith('hint:'))).toBe(true);
      expect(listed.stderr).not.toContain('    at ');
      expect(listed.stderr).not.toContain('AWS4-HMAC-SHA256');
      expect(leaks(listed)).toEqual([]);

      // Creating fails the same way, and nothing is launched. Even an endpoint
      // that echoes the secret back (a proxy, say) does not get it printed.
      const instances = fake.instances().length;
      fake.failNext('RunInstances', { code: 'AuthFailure', message: `AWS was not able to validate the provided access credentials (${secret.AWS_SECRET_ACCESS_KEY}).` });
      const created = await runctl(['create', 'g5.xlarge', '--provider', 'aws'], secret);
      expect(created.status).toBe(4);
      expect(created.stderr).toMatch(/^error aws: AWS RunInstances g5\.xlarge failed: AuthFailure: AWS was not able to validate the provided access credentials \(\*\*\*\)\.$/m);
      expect(leaks(created)).toEqual([]);
      expect(fake.instances().length).toBe(instances);
    } finally {
      fake.clearFaults();
    }
  });

  it('sweep terminates only the expired instance runctl created, after a dry run', async () => {
    const [old, foreign] = await Promise.all([json<Resource>(['create', 'g5.xlarge', '--provider', 'aws', '--name', 'old-g5', '--max-lifetime', '1ms']), launchForeignInstance()]);
    // On the machine the lifetime is whole minutes (shutdown -h +1); the sweep is the backstop.
    expect(fake.instance(old.id)?.userDataText).toContain('lifetime_minutes=1\n');
    const kept = [made.g5?.id, made.a10g?.id] as string[];

    const dry = await runctl(['sweep']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`^would terminate aws:${old.id} \\(old-g5\\): expired at \\S+\\n$`));
    expect(dry.stderr).toContain('dry run: pass --yes');
    expect(fake.instance(old.id)?.state).toMatch(/^(pending|running)$/);

    const swept = await runctl(['sweep', '--yes']);
    expect(swept.status).toBe(0);
    expect(swept.stdout).toMatch(new RegExp(`^terminated aws:${old.id} \\(old-g5\\): expired at \\S+\\n$`));
    expect(fake.instance(old.id)?.state).toMatch(/^(shutting-down|terminated)$/);
    // The foreign instance carries an expiry but not runctl's tag: untouched, like the unexpired ones.
    expect(fake.instance(foreign)?.state).toBe('running');
    for (const id of kept) expect(fake.instance(id)?.state).toBe('running');
    expect((await runctl(['sweep'])).stdout).toBe('nothing to sweep\n');
  });

  it('terminate ends the instances, and repeating it is fine', async () => {
    const ids = [made.g5?.id, made.a10g?.id] as string[];
    const refs = [...ids.map((id) => `aws:${id}`), `local:${made.local?.id}`];
    const first = await runctl(['terminate', ...refs]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe(refs.map((ref) => `terminated ${ref}\n`).join(''));
    for (const id of ids) expect(fake.instance(id)?.state).toMatch(/^(shutting-down|terminated)$/);
    const terminateCalls = fake.callsTo('TerminateInstances').length;

    const again = await json<Array<{ provider: string; id: string; terminated: boolean }>>(['terminate', ...refs]);
    expect(again.map((entry) => entry.terminated)).toEqual([true, true, true]);
    // Already shutting down or gone: nothing more to ask EC2.
    expect(fake.callsTo('TerminateInstances').length).toBe(terminateCalls);
    for (const id of ids) expect(fake.instance(id)?.state).toMatch(/^(shutting-down|terminated)$/);
    const left = await json<{ resources: Resource[] }>(['ls']);
    expect(left.resources.filter((resource) => resource.state !== 'terminated' && resource.state !== 'terminating')).toEqual([]);
  });
});

describe('createRegistryFromEnv with an environment other than process.env', () => {
  it("uses that environment's AWS credentials and endpoints, not the process's", async () => {
    expect(process.env['AWS_ACCESS_KEY_ID'] ?? process.env['AWS_ENDPOINT_URL_EC2']).toBeUndefined();
    const registry = createRegistryFromEnv({ env });
    const calls = fake.callsTo('DescribeInstances').length;
    try {
      const { resources, failures } = await registry.listAllResources();
      expect(failures).toEqual([]);
      expect(resources.filter((resource) => resource.provider === 'aws').length).toBeGreaterThan(0);
      expect(fake.callsTo('DescribeInstances').length).toBeGreaterThan(calls);
    } finally {
      await Promise.all(registry.list().map((provider) => (provider as { close?: () => void | Promise<void> }).close?.()));
    }
  });
});
