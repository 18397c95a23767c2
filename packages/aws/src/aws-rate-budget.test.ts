import { randomBytes } from 'node:crypto';
import type { EC2ClientConfig } from '@aws-sdk/client-ec2';
import { InvalidInputError, RunctlError, rateBudgetFor } from '@runctl/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients } from './aws-clients.ts';
import { createAws, type AwsProvider } from './aws-provider.ts';
import { DEFAULT_AWS_RATE_LIMITS, addRateBudget, awsBudgetKey, commandPriority, type AwsRateService, type PacedClient } from './aws-rate-budget.ts';
import { resolveAwsSettings, type AwsProviderSettings } from './aws-settings.ts';
import { startFakeAws, type FakeAws } from './testing/index.ts';

let fake: FakeAws | undefined;
const providers: AwsProvider[] = [];
afterEach(async () => {
  for (const provider of providers.splice(0)) provider.close();
  await fake?.close();
  fake = undefined;
});

/** A provider on the fake EC2 (EC2 calls only: listResources is one DescribeInstances). */
function awsOn(aws: FakeAws, settings: Partial<AwsProviderSettings> = {}, ec2: Partial<EC2ClientConfig> = {}): AwsProvider {
  const provider = createAws({ region: 'us-east-1', ...settings, clientConfig: { ec2: { ...aws.clientConfig(), maxAttempts: 3, ...ec2 } } });
  providers.push(provider);
  return provider;
}

const errorOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const elapsed = async (call: () => Promise<unknown>): Promise<number> => {
  const started = Date.now();
  await call();
  return Date.now() - started;
};
// Date.now() and Node's timer clock may disagree by a millisecond or two.
const CLOCK_SLACK_MS = 20;

describe('AWS rate budget against the fake EC2', () => {
  it('one RequestLimitExceeded pauses every caller on the account and region', async () => {
    fake = await startFakeAws();
    // One request at a time, so the others are queued when the throttle comes back.
    const slow = { rateLimit: { ec2: { requestsPerSecond: 4, burst: 1 } } };
    const aws = awsOn(fake, slow);
    const sameAccount = awsOn(fake, slow);
    await Promise.all([aws.listResources(), sameAccount.listResources()]); // load the SDK; spend the token
    await sleep(300); // one token again
    fake.failNext('ec2:DescribeInstances', { code: 'RequestLimitExceeded' });
    await Promise.all([aws.listResources(), sameAccount.listResources(), aws.listResources({ tags: { team: 'a' } }), sameAccount.listResources({ states: ['running'] })]);
    const calls = fake.callsTo('DescribeInstances');
    const throttled = calls.findIndex((call) => call.errorCode === 'RequestLimitExceeded');
    const throttledAt = calls[throttled]?.at as number;
    const later = calls.slice(throttled + 1);
    expect(later).toHaveLength(4); // three waiting callers, and the SDK's own retry of the throttled one
    for (const call of later) expect(call.at).toBeGreaterThanOrEqual(throttledAt + 1_000 - CLOCK_SLACK_MS);
  });

  it('TerminateInstances goes before DescribeInstances calls already waiting', async () => {
    fake = await startFakeAws();
    const clients = createAwsClients(resolveAwsSettings({ region: 'us-east-1', rateLimit: { ec2: { requestsPerSecond: 10, burst: 1 } }, clientConfig: { ec2: fake.clientConfig() } }));
    try {
      const { client, sdk } = await clients.ec2();
      const describe = () => client.send(new sdk.DescribeInstancesCommand({ MaxResults: 5 }));
      await describe(); // spends the only token: everything below queues
      const mark = fake.calls.length;
      const polls = [describe(), describe(), describe(), describe()];
      const terminate = client.send(new sdk.TerminateInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] }));
      await Promise.all([...polls, errorOf(terminate)]);
      expect(fake.calls.slice(mark).map((call) => call.action)).toEqual(['TerminateInstances', 'DescribeInstances', 'DescribeInstances', 'DescribeInstances', 'DescribeInstances']);
    } finally {
      clients.destroy();
    }
  });

  it('is shared by providers with the same credentials, and not with another account', async () => {
    fake = await startFakeAws();
    const aws = awsOn(fake, {}, { maxAttempts: 1 });
    fake.failNext('ec2:DescribeInstances', { code: 'RequestLimitExceeded' });
    expect(RunctlError.hasCode(await errorOf(aws.listResources()), 'RATE_LIMITED')).toBe(true);
    // The fake EC2 takes any signature, so other keys stand for another account.
    const otherAccount = awsOn(fake, {}, { credentials: { accessKeyId: 'AKIAOTHERACCOUNT000', secretAccessKey: 'other' } });
    expect(await elapsed(() => otherAccount.listResources())).toBeLessThan(500);
    expect(await elapsed(() => awsOn(fake as FakeAws).listResources())).toBeGreaterThanOrEqual(800);
  });
});

describe('AWS rate budget middleware', () => {
  /** A stand-in client that captures the middleware, with its own account. */
  function paced(service: AwsRateService) {
    let middleware: Parameters<PacedClient['middlewareStack']['addRelativeTo']>[0] | undefined;
    const account = `AKIA${randomBytes(8).toString('hex')}`;
    const client: PacedClient = {
      config: { region: async () => 'us-east-1', credentials: async () => ({ accessKeyId: account }) },
      middlewareStack: { addRelativeTo: (added) => void (middleware = added) },
    };
    addRateBudget(client, service, DEFAULT_AWS_RATE_LIMITS[service]);
    const budget = rateBudgetFor(awsBudgetKey({ service, region: 'us-east-1', endpoint: undefined, account }));
    const send = (commandName: string, outcome: () => Promise<{ response: unknown }>) =>
      (middleware as NonNullable<typeof middleware>)(outcome, { commandName })({}).catch(() => undefined);
    return { budget, send };
  }
  const fail = (name: string, httpStatusCode: number) => () => Promise.reject(Object.assign(new Error(name), { name, $metadata: { httpStatusCode } }));

  it('penalizes throttling answers (S3 503 SlowDown included), not other failures', async () => {
    for (const [service, error, penalized] of [
      ['ec2', fail('RequestLimitExceeded', 503), true],
      ['ssm', fail('ThrottlingException', 400), true],
      ['s3', fail('SlowDown', 503), true],
      ['s3', fail('ServiceUnavailable', 503), true],
      ['ssm', fail('TooManyRequestsException', 429), true],
      ['ec2', fail('Unavailable', 503), false],
      ['ec2', fail('InvalidInstanceID.NotFound', 400), false],
      ['ec2', () => Promise.resolve({ response: { statusCode: 200 } }), false],
    ] as const) {
      const { budget, send } = paced(service);
      await send('DescribeInstancesCommand', error);
      expect(budget.rate, `${service} ${String(error)}`).toBe(penalized ? budget.maxRate / 2 : budget.maxRate);
    }
  });

  it('ranks terminate and cancel first, polling last', () => {
    expect(['TerminateInstances', 'CancelCommand'].map(commandPriority)).toEqual(['high', 'high']);
    expect(['RunInstances', 'SendCommand', 'PutObject', 'CreateTags'].map(commandPriority)).toEqual(['normal', 'normal', 'normal', 'normal']);
    expect(['DescribeInstances', 'GetCommandInvocation', 'ListObjectsV2', 'HeadObject', 'GetParameter'].map(commandPriority)).toEqual(['low', 'low', 'low', 'low', 'low']);
  });

  it('keys budgets by service, region and a hash of endpoint and account, never a secret', () => {
    const scope = { service: 'ec2' as const, region: 'us-east-1', endpoint: undefined, account: 'AKIAEXAMPLE' };
    const key = awsBudgetKey(scope);
    expect(key).toMatch(/^aws:ec2:us-east-1:[0-9a-f]{24}$/);
    expect(key).not.toContain('AKIAEXAMPLE');
    expect(awsBudgetKey({ ...scope })).toBe(key);
    expect(awsBudgetKey({ ...scope, account: 'AKIAOTHER' })).not.toBe(key);
    expect(awsBudgetKey({ ...scope, service: 'ssm' })).not.toBe(key);
    expect(awsBudgetKey({ ...scope, region: 'eu-west-1' })).not.toBe(key);
    expect(awsBudgetKey({ ...scope, endpoint: 'http://127.0.0.1:4566/' })).not.toBe(key);
  });
});

describe('settings.rateLimit', () => {
  it('defaults per service, and takes partial overrides', () => {
    expect(resolveAwsSettings({}).rateLimit).toEqual({
      ec2: { requestsPerSecond: 10, burst: 50 },
      ssm: { requestsPerSecond: 10, burst: 20 },
      s3: { requestsPerSecond: 500, burst: 500 },
    });
    expect(resolveAwsSettings({ rateLimit: { ec2: { requestsPerSecond: 2 } } }).rateLimit).toMatchObject({ ec2: { requestsPerSecond: 2, burst: 50 }, ssm: DEFAULT_AWS_RATE_LIMITS.ssm });
  });

  it('rejects bad values, naming the field', () => {
    for (const [rateLimit, field] of [
      [{ ec2: { requestsPerSecond: 0 } }, 'settings.rateLimit.ec2.requestsPerSecond'],
      [{ ssm: { requestsPerSecond: -1 } }, 'settings.rateLimit.ssm.requestsPerSecond'],
      [{ s3: { burst: 0.5 } }, 'settings.rateLimit.s3.burst'],
      [{ ec2: { burst: 0 } }, 'settings.rateLimit.ec2.burst'],
      [{ ssm: { perSecond: 1 } }, 'settings.rateLimit.ssm'],
      [{ sqs: {} }, 'settings.rateLimit'],
      [10, 'settings.rateLimit'],
    ] as const) {
      let caught: unknown;
      try {
        createAws({ rateLimit: rateLimit as never });
      } catch (error) {
        caught = error;
      }
      expect(InvalidInputError.isInstance(caught) && caught.field, JSON.stringify(rateLimit)).toBe(field);
    }
  });
});
