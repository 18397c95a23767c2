import { DecodeAuthorizationMessageCommand, STSClient } from '@aws-sdk/client-sts';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFakeAws, type FakeAws } from './fake-aws.ts';

describe('fake STS: DecodeAuthorizationMessage, with the real SDK client', () => {
  let fake: FakeAws;
  let sts: STSClient;
  let ec2: EC2Client;
  beforeAll(async () => {
    fake = await startFakeAws();
    sts = new STSClient({ ...fake.clientConfig(), maxAttempts: 1 });
    ec2 = new EC2Client({ ...fake.clientConfig(), maxAttempts: 1 });
  });
  afterAll(async () => {
    sts.destroy();
    ec2.destroy();
    await fake.close();
  });

  test('decodes the message of a denial the fake EC2 gave out', async () => {
    fake.failNext('RunInstances', { code: 'UnauthorizedOperation' });
    const denial = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12345678', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 })).then(
      () => new Error('expected a denial'),
      (error: unknown) => error as Error,
    );
    const encoded = /Encoded authorization failure message: (\S+)/.exec(denial.message)?.[1];
    expect(encoded).toMatch(/^[\w-]{200,}$/);
    const out = await sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }));
    expect(JSON.parse(out.DecodedMessage ?? '')).toMatchObject({
      allowed: false,
      explicitDeny: false,
      context: { action: 'ec2:RunInstances', resource: 'arn:aws:ec2:us-east-1:123456789012:instance/*', principal: { arn: 'arn:aws:iam::123456789012:user/runctl-test' } },
    });
    expect(fake.callsTo('DecodeAuthorizationMessage')).toEqual([expect.objectContaining({ service: 'sts', status: 200 })]);
  });

  test('rejects a message it never gave out, and a missing one, as real STS does', async () => {
    await expect(sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: 'not-a-message' }))).rejects.toMatchObject({
      name: 'InvalidAuthorizationMessageException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(sts.send(new DecodeAuthorizationMessageCommand({} as { EncodedMessage: string }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining("'encodedMessage'"),
    });
  });

  test('answers an injected AccessDenied as a 403 in the STS error envelope', async () => {
    fake.failNext('sts:DecodeAuthorizationMessage', { code: 'AccessDenied' });
    await expect(sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: 'x' }))).rejects.toMatchObject({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
    });
  });

  test('knows no other action: an STS-signed RunInstances is an InvalidAction', async () => {
    const response = await fetch(fake.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'AWS4-HMAC-SHA256 Credential=S3RVER/20261126/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00',
      },
      body: 'Action=RunInstances&Version=2011-06-15',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>InvalidAction</Code>');
  });
});
