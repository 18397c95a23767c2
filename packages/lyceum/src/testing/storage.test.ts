import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLyceum } from './fake-lyceum.ts';
import type { FakeLyceum } from './fake-types.ts';
import { callApi, startPythonRun, waitForTerminalStatus } from './test-helpers.ts';

const WEIGHTS = Uint8Array.from([0, 1, 2, 0xfe, 0xff]);

let fake: FakeLyceum;
beforeEach(async () => {
  fake = await startFakeLyceum({ runStartDelayMs: 5, runDurationMs: 20 });
  fake.scriptExecution((submission) => ({
    lines: ['writing outputs'],
    files: {
      [`output/${submission.executionId}/model.bin`]: WEIGHTS,
      [`output/${submission.executionId}/metrics.json`]: '{"loss":0.1}',
    },
  }));
});
afterEach(async () => {
  await fake.close();
});

const download = (key: string) => fetch(`${fake.apiUrl}/storage/download/${key}`, { headers: { authorization: `Bearer ${fake.apiKey}` } });

describe('storage', () => {
  it('lists and downloads the files a run left behind', async () => {
    const run = await startPythonRun(fake);
    const prefix = `output/${run.execution_id}/`;
    expect((await callApi(fake, 'GET', `/storage/list-files?prefix=${encodeURIComponent(prefix)}`)).body).toEqual([]);
    await waitForTerminalStatus(fake, run.execution_id);

    const listed = await callApi(fake, 'GET', `/storage/list-files?prefix=${encodeURIComponent(prefix)}&max_files=100`);
    expect(listed.body.map((file: { key: string; size: number }) => [file.key, file.size])).toEqual([
      [`${prefix}metrics.json`, 12],
      [`${prefix}model.bin`, 5],
    ]);
    expect(Number.isNaN(Date.parse(listed.body[0].last_modified))).toBe(false);

    const bytes = await download(`${prefix}model.bin`);
    expect(bytes.status).toBe(200);
    expect(new Uint8Array(await bytes.arrayBuffer())).toEqual(WEIGHTS);
    const encoded = await download(encodeURIComponent(`${prefix}metrics.json`));
    expect(await encoded.text()).toBe('{"loss":0.1}');
    const missing = await download(`${prefix}absent.txt`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: 'File not found' });
  });

  it('lists with POST too, honours max_files, and holds files put by the test', async () => {
    fake.putFile('data/a.txt', 'a');
    fake.putFile('data/b.txt', 'bb');
    fake.putFile('other/c.txt', 'c');
    const posted = await callApi(fake, 'POST', '/storage/list-files', { prefix: 'data/', max_files: 1 });
    expect(posted.body.map((file: { key: string }) => file.key)).toEqual(['data/a.txt']);
    expect((await callApi(fake, 'POST', '/storage/list-files')).body).toHaveLength(3);
    expect((await callApi(fake, 'GET', '/storage/list-files?max_files=0')).status).toBe(422);
    expect(fake.files.map((file) => file.key)).toEqual(['data/a.txt', 'data/b.txt', 'other/c.txt']);
  });

  it('keeps no outputs of an aborted run', async () => {
    fake.scriptExecution(() => ({ files: { 'output/never.bin': 'x' }, durationMs: Number.POSITIVE_INFINITY }));
    const run = await startPythonRun(fake);
    expect((await callApi(fake, 'POST', `/workloads/abort/${run.execution_id}`)).status).toBe(200);
    expect(fake.files).toEqual([]);
  });
});
