import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeRunpod, type FakeRunpod } from './fake-runpod.ts';
import { GqlSyntaxError } from './graphql-lexer.ts';
import { parseDocument } from './graphql-parser.ts';
import { call, manualClock } from './test-client.ts';

const SPOT_MUTATION = `mutation {
  podRentInterruptable(input: {
    bidPerGpu: 0.3, cloudType: SECURE, gpuCount: 1, volumeInGb: 40, containerDiskInGb: 40,
    minVcpuCount: 2, minMemoryInGb: 15, gpuTypeId: "NVIDIA GeForce RTX 4090", name: "spot",
    imageName: "runpod/pytorch", dockerArgs: "", ports: "8888/http,22/tcp", volumeMountPath: "/workspace",
    env: [{ key: "JUPYTER_PASSWORD", value: "pw" }]
  }) { id imageName env machineId machine { podHostId } costPerHr }
}`;

describe('POST /graphql podRentInterruptable', () => {
  let fake: FakeRunpod;
  let clock: ReturnType<typeof manualClock>;
  const graphql = (body: unknown, headers: Record<string, string> = {}) =>
    call(fake, 'POST', '/graphql', { body, headers });

  beforeEach(async () => {
    clock = manualClock();
    fake = await startFakeRunpod({ now: clock.now });
  });
  afterEach(() => fake.close());

  it('creates an interruptible pod in the same store and returns the selected fields', async () => {
    const response = await graphql({ query: SPOT_MUTATION });
    expect(response.status).toBe(200);
    const pod = response.body.data.podRentInterruptable;
    expect(Object.keys(pod)).toEqual(['id', 'imageName', 'env', 'machineId', 'machine', 'costPerHr']);
    expect(pod).toMatchObject({ imageName: 'runpod/pytorch', env: ['JUPYTER_PASSWORD=pw'], costPerHr: 0.3 });
    expect(pod.machine.podHostId).toMatch(new RegExp(`^${pod.id}-[0-9a-f]{8}$`));

    expect(fake.pods.get(pod.id)).toMatchObject({ interruptible: true, bidPerGpu: 0.3, cost: 0.3, status: 'PROVISIONING' });
    clock.advance(1000);
    const rest = await call(fake, 'GET', `/v2/pods/${pod.id}`);
    expect(rest.body).toMatchObject({ status: 'RUNNING', mounts: { persistent: { size: 40, path: '/workspace' } }, disk: 40 });
    expect(rest.body.interruptible).toBeUndefined();
  });

  it('accepts the input as a variable, with aliases and operation names', async () => {
    const response = await graphql({
      query: 'mutation Rent($input: PodRentInterruptableInput!) { spot: podRentInterruptable(input: $input) { id desiredStatus } }',
      operationName: 'Rent',
      variables: { input: { bidPerGpu: 2, gpuTypeId: 'NVIDIA H100 80GB HBM3', gpuCount: 2, imageName: 'img', cloudType: 'COMMUNITY' } },
    });
    expect(response.body.data.spot).toMatchObject({ desiredStatus: 'RUNNING' });
    expect(fake.pods.get(response.body.data.spot.id)).toMatchObject({ cloud: 'COMMUNITY', cost: 4, gpu: { count: 2 } });
  });

  it('reports request errors with HTTP 200 and creates nothing', async () => {
    const missingBid = await graphql({ query: SPOT_MUTATION.replace('bidPerGpu: 0.3,', '') });
    expect(missingBid.status).toBe(200);
    expect(missingBid.body).toEqual({
      errors: [{ message: 'Field "PodRentInterruptableInput.bidPerGpu" of required type "Float!" was not provided.' }],
    });

    const unknownField = await graphql({ query: SPOT_MUTATION.replace('name: "spot"', 'name: "spot", tags: "x"') });
    expect(unknownField.body.errors[0].message).toBe('Field "tags" is not defined by type "PodRentInterruptableInput".');

    const quotedEnum = await graphql({ query: SPOT_MUTATION.replace('cloudType: SECURE', 'cloudType: "SECURE"') });
    expect(quotedEnum.body.errors[0].message).toMatch(/Enum "CloudTypeEnum" cannot represent non-enum value/);

    const badSelection = await graphql({ query: SPOT_MUTATION.replace('costPerHr }', 'costPerHour }') });
    expect(badSelection.body.errors[0].message).toBe('Cannot query field "costPerHour" on type "Pod".');

    const syntax = await graphql({ query: 'mutation { podRentInterruptable(input: {bidPerGpu: 1}' });
    expect(syntax.body.errors[0].message).toMatch(/^Syntax Error/);

    const otherField = await graphql({ query: 'query { myself { id } }' });
    expect(otherField.body.errors[0].message).toMatch(/^Cannot query field "myself" on type "Query"/);

    const missingVariable = await graphql({ query: 'mutation ($input: PodRentInterruptableInput!) { podRentInterruptable(input: $input) { id } }' });
    expect(missingVariable.body.errors[0].message).toBe('Variable "$input" of required type "PodRentInterruptableInput!" was not provided.');
    expect(fake.pods.size).toBe(0);
  });

  it('reports placement failures as errors with a null field', async () => {
    const unknownGpu = await graphql({ query: SPOT_MUTATION.replace('NVIDIA GeForce RTX 4090', 'NVIDIA B300') });
    expect(unknownGpu.status).toBe(200);
    expect(unknownGpu.body).toEqual({
      errors: [{ message: 'GPU type "NVIDIA B300" not found.', path: ['podRentInterruptable'] }],
      data: { podRentInterruptable: null },
    });
    const lowBid = await graphql({ query: SPOT_MUTATION.replace('bidPerGpu: 0.3', 'bidPerGpu: 0.01') });
    expect(lowBid.body.errors[0].message).toMatch(/below the minimum bid of \$0\.29/);
    expect(fake.pods.size).toBe(0);
  });

  it('answers 401 for a missing or wrong key and accepts ?api_key=', async () => {
    const missing = await fetch(`${fake.url}/graphql`, { method: 'POST', body: JSON.stringify({ query: SPOT_MUTATION }) });
    expect(missing.status).toBe(401);
    expect((await graphql({ query: SPOT_MUTATION }, { authorization: 'Bearer nope' })).status).toBe(401);
    const viaQuery = await fetch(`${fake.url}/graphql?api_key=${fake.apiKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: SPOT_MUTATION }),
    });
    expect(viaQuery.status).toBe(200);
    expect(fake.pods.size).toBe(1);
  });
});

describe('parseDocument', () => {
  it('parses variables with defaults, aliases, every literal kind and nested selections', () => {
    const [operation] = parseDocument(`
      # comment
      mutation Rent($n: Int = 2, $ids: [String!]!) {
        spot: podRentInterruptable(input: { a: -1.5e2, b: "x\\"\\u00e9", c: """raw "text" """, d: [true, null, ALL], e: $n }) {
          id machine { podHostId }
        }
      }`);
    expect(operation?.type).toBe('mutation');
    expect(operation?.name).toBe('Rent');
    expect([...(operation?.variables.entries() ?? [])]).toEqual([
      ['n', { type: 'Int', defaultValue: { kind: 'int', value: 2 } }],
      ['ids', { type: '[String!]!' }],
    ]);
    const field = operation?.selections[0];
    expect(field?.responseKey).toBe('spot');
    expect(field?.name).toBe('podRentInterruptable');
    const input = field?.args.get('input');
    expect(input?.kind === 'object' ? Object.fromEntries(input.fields) : undefined).toEqual({
      a: { kind: 'float', value: -150 },
      b: { kind: 'string', value: 'x"é' },
      c: { kind: 'string', value: 'raw "text" ' },
      d: { kind: 'list', values: [{ kind: 'boolean', value: true }, { kind: 'null' }, { kind: 'enum', value: 'ALL' }] },
      e: { kind: 'variable', name: 'n' },
    });
    expect(field?.selections?.map((s) => s.name)).toEqual(['id', 'machine']);
    expect(field?.selections?.[1]?.selections?.[0]?.name).toBe('podHostId');
  });

  it('treats an anonymous selection set as a query', () => {
    expect(parseDocument('{ myself { id } }')[0]?.type).toBe('query');
  });

  it('rejects malformed documents and unsupported features', () => {
    expect(() => parseDocument('mutation { a(input: {x: 1}) ')).toThrow(GqlSyntaxError);
    expect(() => parseDocument('mutation { a(input: {x: 1, x: 2}) { id } }')).toThrow(/only one input field named "x"/);
    expect(() => parseDocument('query { ...F } fragment F on Query { id }')).toThrow(/Fragments are not supported/);
    expect(() => parseDocument('mutation { a @skip(if: true) }')).toThrow(/Directives are not supported/);
    expect(() => parseDocument('mutation { a(s: "unterminated) { id } }')).toThrow(/Unterminated string/);
    expect(() => parseDocument('')).toThrow(/Unexpected <EOF>/);
  });
});
