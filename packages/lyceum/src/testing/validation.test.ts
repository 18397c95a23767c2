import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLyceum } from './fake-lyceum.ts';
import type { FakeLyceum } from './fake-types.ts';
import { callApi } from './test-helpers.ts';

let fake: FakeLyceum;
beforeAll(async () => {
  fake = await startFakeLyceum();
});
afterAll(async () => {
  await fake.close();
});

const python = (body: unknown) => callApi(fake, 'POST', '/execution/streaming/start', body);
const image = (body: unknown) => callApi(fake, 'POST', '/execution/image/start', body);

describe('422 HTTPValidationError bodies', () => {
  it('rejects a timeout above 600 at loc body.timeout', async () => {
    const answer = await python({ code: 'print(1)', timeout: 601 });
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({
      detail: [{ type: 'less_than_equal', loc: ['body', 'timeout'], msg: 'Input should be less than or equal to 600', input: 601, ctx: { le: 600 } }],
    });
  });

  it('rejects a timeout below 1 and a fractional one', async () => {
    expect((await python({ code: 'x', timeout: 0 })).body.detail[0]).toMatchObject({ type: 'greater_than_equal', loc: ['body', 'timeout'], ctx: { ge: 1 } });
    expect((await image({ docker_image_ref: 'alpine', timeout: 1.5 })).body.detail[0]).toMatchObject({ type: 'int_from_float', loc: ['body', 'timeout'] });
  });

  it('accepts what pydantic coerces: a digit-string timeout', async () => {
    const answer = await python({ code: 'x', timeout: '30' });
    expect(answer.status).toBe(200);
    expect(fake.execution(answer.body.execution_id)?.submission).toMatchObject({ timeoutSeconds: 30 });
  });

  it('reports a missing required field with the whole body as input', async () => {
    const answer = await python({ timeout: 10 });
    expect(answer.body.detail).toEqual([{ type: 'missing', loc: ['body', 'code'], msg: 'Field required', input: { timeout: 10 } }]);
  });

  it('checks the execution_type pattern', async () => {
    const answer = await python({ code: 'x', execution_type: 'gpu a100' });
    expect(answer.body.detail[0]).toEqual({
      type: 'string_pattern_mismatch',
      loc: ['body', 'execution_type'],
      msg: "String should match pattern '^[a-zA-Z0-9_.]+$'",
      input: 'gpu a100',
      ctx: { pattern: '^[a-zA-Z0-9_.]+$' },
    });
  });

  it('wants import_files as a JSON string, not an object', async () => {
    const answer = await python({ code: 'x', import_files: { 'a.py': 'print(1)' } });
    expect(answer.body.detail[0]).toMatchObject({ type: 'string_type', loc: ['body', 'import_files'], msg: 'Input should be a valid string' });
    const notJson = await python({ code: 'x', import_files: 'a.py=print(1)' });
    expect(notJson.status).toBe(400);
  });

  it('checks Docker fields: list types, item types, and several errors at once', async () => {
    expect((await image({ docker_image_ref: 'alpine', docker_run_cmd: 'python train.py' })).body.detail[0]).toMatchObject({ type: 'list_type', loc: ['body', 'docker_run_cmd'] });
    expect((await image({ docker_image_ref: 'alpine', docker_run_cmd: ['python', 3] })).body.detail[0]).toMatchObject({ type: 'string_type', loc: ['body', 'docker_run_cmd', 1] });
    expect((await image({ docker_image_ref: 'alpine', docker_run_env: { A: '1' } })).body.detail[0]).toMatchObject({ loc: ['body', 'docker_run_env'] });
    const several = await image({ timeout: 'soon', enable_s3_mount: 'maybe' });
    expect(several.body.detail.map((issue: { loc: unknown[]; type: string }) => [issue.loc.join('.'), issue.type])).toEqual([
      ['body.docker_image_ref', 'missing'],
      ['body.enable_s3_mount', 'bool_parsing'],
      ['body.timeout', 'int_parsing'],
    ]);
  });

  it('rejects bodies that are not JSON objects', async () => {
    const broken = await python('{"code": ');
    expect(broken.status).toBe(422);
    expect(broken.body.detail[0]).toMatchObject({ type: 'json_invalid', msg: 'JSON decode error' });
    expect(broken.body.detail[0].loc[0]).toBe('body');
    expect((await python(['print(1)'])).body.detail[0]).toMatchObject({ type: 'model_attributes_type', loc: ['body'] });
    expect((await callApi(fake, 'POST', '/execution/streaming/start')).body.detail[0]).toMatchObject({ type: 'missing', loc: ['body'] });
  });

  it('validates VM creation', async () => {
    const empty = await callApi(fake, 'POST', '/vms/create', { user_public_key: '', hardware_profile: 'a100', instance_type: 'reserved' });
    expect(empty.body.detail).toEqual([
      { type: 'string_too_short', loc: ['body', 'user_public_key'], msg: 'String should have at least 1 character', input: '', ctx: { min_length: 1 } },
      { type: 'enum', loc: ['body', 'instance_type'], msg: "Input should be 'on-demand' or 'spot'", input: 'reserved', ctx: { expected: "'on-demand' or 'spot'" } },
    ]);
    const missing = await callApi(fake, 'POST', '/vms/create', { hardware_profile: 'a100', instance_specs: [] });
    expect(missing.body.detail.map((issue: { loc: unknown[] }) => issue.loc)).toEqual([
      ['body', 'user_public_key'],
      ['body', 'instance_specs'],
    ]);
  });

  it('validates query parameters at loc query.*', async () => {
    const run = await python({ code: 'x' });
    const answer = await callApi(fake, 'GET', `/logs/execution/${run.body.execution_id}?limit=0&hours=200`);
    expect(answer.body.detail.map((issue: { loc: unknown[]; type: string }) => [issue.loc, issue.type])).toEqual([
      [['query', 'limit'], 'greater_than_equal'],
      [['query', 'hours'], 'less_than_equal'],
    ]);
  });

  it('answers 401 before validating the body', async () => {
    const answer = await callApi(fake, 'POST', '/execution/streaming/start', { timeout: 601 }, { authorization: 'Bearer lk_wrong' });
    expect(answer.status).toBe(401);
  });
});
