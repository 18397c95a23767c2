import { afterEach, describe, expect, it } from 'vitest';
import { startFakeLyceum } from './fake-lyceum.ts';
import type { FakeLyceum } from './fake-types.ts';
import { readEventStream } from './read-event-stream.ts';
import { callApi, startPythonRun, waitFor, waitForTerminalStatus } from './test-helpers.ts';

const LINES = Array.from({ length: 8 }, (_, index) => `step ${index + 1}`);

let fake: FakeLyceum;
afterEach(async () => {
  await fake.close();
});

const openStream = (url: string) => fetch(url, { headers: { authorization: `Bearer ${fake.apiKey}` } });

describe('stream drop and fallback', () => {
  it('cuts the stream mid-frame before jobFinished; status and logs still tell the whole story', async () => {
    fake = await startFakeLyceum({ runStartDelayMs: 5, runDurationMs: 60, script: () => ({ lines: LINES, outcome: 'failed', returnCode: 2 }) });
    fake.dropStreamAfter(2);
    const run = await startPythonRun(fake);

    const { chunks, events, endedCleanly } = await readEventStream(await openStream(run.streaming_url));
    expect(endedCleanly).toBe(true);
    expect(events).toHaveLength(2);
    expect(events.every((event) => 'output' in JSON.parse(event.data))).toBe(true);
    // Half of the third frame arrived, with no blank line to end it.
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.endsWith('\n\n')).toBe(false);
    expect(text.split('\n\n').at(-1)).toMatch(/^data: \{"output"/);

    expect(await waitForTerminalStatus(fake, run.execution_id)).toEqual({ execution_id: run.execution_id, status: 'failed', errors: null });
    const logs = await callApi(fake, 'GET', `/logs/execution/${run.execution_id}?limit=1000&hours=24`);
    expect(logs.status).toBe(200);
    expect(logs.body.total).toBe(LINES.length);
    expect(logs.body.logs.map((entry: { message: string }) => entry.message)).toEqual(LINES);
    expect(logs.body.logs[0]).toMatchObject({ level: 'info', execution_id: run.execution_id, hostname: expect.any(String), labels: expect.any(Object) });
    expect(Number.isNaN(Date.parse(logs.body.logs[0].timestamp))).toBe(false);

    const newest = await callApi(fake, 'GET', `/logs/execution/${run.execution_id}?limit=3`);
    expect(newest.body.logs.map((entry: { message: string }) => entry.message)).toEqual(LINES.slice(-3));

    // A drop applies once: reconnecting replays the run and ends with jobFinished.
    const again = await readEventStream(await openStream(run.streaming_url));
    expect(JSON.parse(again.events.at(-1)?.data ?? '')).toEqual({ jobFinished: { job: { result: { returnCode: '2' } } } });
  });

  it('can reset the connection instead, and target one run', async () => {
    fake = await startFakeLyceum({ runStartDelayMs: 5, runDurationMs: 30, script: () => ({ lines: LINES }) });
    const untouched = await startPythonRun(fake);
    const target = await startPythonRun(fake);
    fake.dropStreamAfter(1, { executionId: target.execution_id, reset: true, partialFrame: false });

    const clean = await readEventStream(await openStream(untouched.streaming_url));
    expect(clean.endedCleanly).toBe(true);
    expect(JSON.parse(clean.events.at(-1)?.data ?? '')).toHaveProperty('jobFinished');

    const broken = await readEventStream(await openStream(target.streaming_url));
    expect(broken.endedCleanly).toBe(false);
    expect(broken.events.length).toBeLessThanOrEqual(1);
    expect(broken.events.some((event) => event.data.includes('jobFinished'))).toBe(false);
  });

  it('answers 404 for runs it does not know', async () => {
    fake = await startFakeLyceum();
    expect(await callApi(fake, 'GET', '/execution/streaming/nope/status')).toMatchObject({ status: 404, body: { detail: 'Execution not found' } });
    expect((await callApi(fake, 'GET', '/logs/execution/nope')).status).toBe(404);
  });
});

describe('abort', () => {
  it('stops a live run as aborted, ending its stream without jobFinished', async () => {
    fake = await startFakeLyceum({ runStartDelayMs: 5, script: () => ({ lines: ['warming up'], durationMs: Number.POSITIVE_INFINITY }) });
    const run = await startPythonRun(fake);
    const reading = readEventStream(await openStream(run.streaming_url));
    await waitFor(() => (fake.execution(run.execution_id)?.output === 'warming up\n' ? true : undefined));

    const aborted = await callApi(fake, 'POST', `/workloads/abort/${run.execution_id}`);
    expect(aborted.status).toBe(200);
    expect(aborted.body).toMatchObject({ execution_id: run.execution_id, status: 'aborted', message: expect.stringContaining(run.execution_id) });

    const { events, endedCleanly } = await reading;
    expect(endedCleanly).toBe(true);
    expect(events.map((event) => JSON.parse(event.data))).toEqual([{ output: { content: 'warming up\n' } }]);
    expect((await callApi(fake, 'GET', `/execution/streaming/${run.execution_id}/status`)).body.status).toBe('aborted');

    const twice = await callApi(fake, 'POST', `/workloads/abort/${run.execution_id}`);
    expect(twice.status).toBe(404);
    expect((await callApi(fake, 'POST', '/workloads/abort/unknown')).status).toBe(404);
  });
});
