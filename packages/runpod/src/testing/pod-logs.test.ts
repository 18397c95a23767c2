import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeRunpod, type FakeRunpod } from './fake-runpod.ts';
import { call, GPU_POD, manualClock, readSseFrames } from './test-client.ts';

describe('GET /v2/pods/{id}/logs (SSE)', () => {
  let fake: FakeRunpod;
  let clock: ReturnType<typeof manualClock>;
  let podId: string;
  const open = (query = '', headers: Record<string, string> = {}) =>
    fetch(`${fake.url}/v2/pods/${podId}/logs${query}`, {
      headers: { authorization: `Bearer ${fake.apiKey}`, accept: 'text/event-stream', ...headers },
    });

  beforeEach(async () => {
    clock = manualClock();
    fake = await startFakeRunpod({ now: clock.now });
    podId = (await call(fake, 'POST', '/v2/pods', { body: GPU_POD })).body.id;
    fake.appendLog(podId, 'pulling image', 'system');
    clock.advance(2000);
    fake.appendLog(podId, 'epoch 1');
    fake.appendLog(podId, 'epoch 2');
  });
  afterEach(() => fake.close());

  it('backfills with id/data frames and the SSE headers', async () => {
    const response = await open();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('ratelimit')).not.toBeNull();
    const frames = await readSseFrames(response, 3);
    expect(frames[0]).toEqual({
      id: '2026-06-01T12:00:00Z/000000000001',
      data: { ts: '2026-06-01T12:00:00Z', source: 'system', line: 'pulling image' },
    });
    expect(frames.map((f) => f.data.line)).toEqual(['pulling image', 'epoch 1', 'epoch 2']);
  });

  it('filters by source, honours tail and since', async () => {
    expect((await readSseFrames(await open('?source=container'), 2)).map((f) => f.data.line)).toEqual(['epoch 1', 'epoch 2']);
    expect((await readSseFrames(await open('?tail=1'), 1)).map((f) => f.data.line)).toEqual(['epoch 2']);
    expect((await readSseFrames(await open('?since=2026-06-01T12:00:01Z'), 2)).map((f) => f.data.line)).toEqual([
      'epoch 1',
      'epoch 2',
    ]);
  });

  it('resumes after Last-Event-ID, ahead of since and tail', async () => {
    const [first] = await readSseFrames(await open(), 1);
    const resumed = await readSseFrames(await open('?tail=0&since=2026-06-01T12:00:05Z', { 'last-event-id': first?.id ?? '' }), 2);
    expect(resumed.map((f) => f.data.line)).toEqual(['epoch 1', 'epoch 2']);
    expect((await open('', { 'last-event-id': 'garbage' })).status).toBe(422);
  });

  it('streams live lines (tail=0) until the pod is deleted', async () => {
    const response = await open('?tail=0');
    // Headers arrive only once the server has subscribed, so nothing can be missed.
    const framesPromise = readSseFrames(response);
    fake.appendLog(podId, 'live line');
    fake.appendLog(podId, 'system line', 'system');
    fake.deletePod(podId);
    const frames = await framesPromise;
    expect(frames.map((f) => f.data.line)).toEqual(['live line', 'system line']);
  });

  it('answers 404 for an unknown pod and 422 for an out-of-range tail', async () => {
    expect((await call(fake, 'GET', '/v2/pods/nope/logs')).status).toBe(404);
    const tooLong = await call(fake, 'GET', `/v2/pods/${podId}/logs?tail=5001`);
    expect(tooLong.body.errors).toEqual(['query.tail: must be <= 5000']);
  });
});
