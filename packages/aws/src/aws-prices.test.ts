import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onDemandUsd } from './aws-prices.ts';
import { BUNDLED_PRICES_AS_OF } from './bundled-prices.ts';
import { startAwsTestEnv, type AwsTestEnv } from './test-support/aws-test-env.ts';

/** A stand-in for the Price List API (awsJson1_1): one price for g5.xlarge, nothing else. */
async function startPricingStub(requests: unknown[]): Promise<{ endpoint: string; server: Server }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const input = JSON.parse(body) as { Filters: Array<{ Field: string; Value: string }> };
      requests.push({ target: request.headers['x-amz-target'], input });
      const type = input.Filters.find((filter) => filter.Field === 'instanceType')?.Value;
      const product = { product: { attributes: { instanceType: type } }, terms: { OnDemand: { 'ABC.JRTCKXETXF': { priceDimensions: { 'ABC.JRTCKXETXF.6YS6EN2CT7': { unit: 'Hrs', pricePerUnit: { USD: '0.9876000000' } } } } } } };
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ FormatVersion: 'aws_v1', PriceList: type === 'g5.xlarge' ? [JSON.stringify(product)] : [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('prices', () => {
  let env: AwsTestEnv;
  let stub: { endpoint: string; server: Server };
  const requests: unknown[] = [];
  beforeAll(async () => {
    env = await startAwsTestEnv({ fake: { ec2: { runUserData: false } } });
    stub = await startPricingStub(requests);
  });
  afterAll(async () => {
    stub.server.close();
    await env.close();
  });

  it('uses the bundled table by default, with its date, and adds the live Spot price', async () => {
    const estimate = await env.provider().estimateCost('g5.xlarge', 2);
    expect(estimate).toMatchObject({ instanceType: 'g5.xlarge', costPerHour: 1.006, total: 2.012, source: 'bundled', currency: 'USD' });
    expect(estimate.asOf).toEqual(BUNDLED_PRICES_AS_OF);
    expect(estimate.spotCostPerHour).toBeGreaterThan(0.3);
    expect(estimate.spotCostPerHour).toBeLessThan(estimate.costPerHour);
    expect(env.fake.callsTo('DescribeSpotPriceHistory').length).toBeGreaterThan(0);
  });

  it('takes GPU names', async () => {
    expect((await env.provider().estimateCost('H100', 1)).instanceType).toBe('p5.48xlarge');
  });

  it('reads the Price List API for the region with livePrices, and reports it as live', async () => {
    const aws = env.provider({ livePrices: true, clientConfig: { pricing: { endpoint: stub.endpoint, credentials: env.fake.clientConfig().credentials } } });
    const before = Date.now();
    const estimate = await aws.estimateCost('g5.xlarge', 10);
    expect(estimate).toMatchObject({ costPerHour: 0.9876, source: 'live' });
    expect(estimate.total).toBeCloseTo(9.876, 9);
    expect(estimate.asOf.getTime()).toBeGreaterThanOrEqual(before);
    expect(requests.at(-1)).toMatchObject({
      target: 'AWSPriceListService.GetProducts',
      input: { ServiceCode: 'AmazonEC2', Filters: expect.arrayContaining([{ Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' }, { Type: 'TERM_MATCH', Field: 'operatingSystem', Value: 'Linux' }]) },
    });
    // Cached for the TTL.
    await aws.estimateCost('g5.xlarge', 1);
    expect(requests.filter((request) => JSON.stringify(request).includes('g5.xlarge'))).toHaveLength(1);
    await expect(aws.estimateCost('g5.2xlarge', 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reads the On-Demand price out of a Price List entry', () => {
    expect(onDemandUsd(JSON.stringify({ terms: { OnDemand: { a: { priceDimensions: { b: { pricePerUnit: { USD: '1.25' } } } } } } }))).toBe(1.25);
    expect(onDemandUsd('not json')).toBeUndefined();
  });
});
