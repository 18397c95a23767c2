import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { startFakeAws, type FakeAws } from './index.ts';
import { ec2ClientFor, launch } from './test-helpers.ts';

let fake: FakeAws;
beforeEach(async () => {
  fake = await startFakeAws();
});
afterEach(() => fake.close());

// The CLI runs as a subprocess: its SDK clients find the fake through AWS_ENDPOINT_URL_<SERVICE>.
test('a subprocess SDK client reaches the fake through env() alone', async () => {
  const ec2 = ec2ClientFor(fake);
  const id = await launch(ec2);
  ec2.destroy();
  const script = `
    const { EC2Client, DescribeInstancesCommand } = require('@aws-sdk/client-ec2');
    new EC2Client({}).send(new DescribeInstancesCommand({})).then(
      (out) => console.log(out.Reservations.flatMap((r) => r.Instances.map((i) => i.InstanceId)).join(',')),
      (e) => { console.error(e); process.exit(1); });`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    cwd: new URL('.', import.meta.url).pathname,
    env: { PATH: process.env['PATH'] ?? '', ...fake.env() },
  });
  expect(stdout.trim()).toBe(id);
});
