import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeRunpod, type FakeRunpod } from './fake-runpod.ts';
import { validateComponent } from './spec-validator.ts';
import { call, GPU_POD, manualClock } from './test-client.ts';

describe('POST /v2/pods/{id}/action', () => {
  let fake: FakeRunpod;
  let clock: ReturnType<typeof manualClock>;
  let podId: string;
  const act = (action: unknown, id = podId) => call(fake, 'POST', `/v2/pods/${id}/action`, { body: { action } });

  beforeEach(async () => {
    clock = manualClock();
    fake = await startFakeRunpod({ now: clock.now });
    podId = (await call(fake, 'POST', '/v2/pods', { body: GPU_POD })).body.id;
  });
  afterEach(() => fake.close());

  it('answers 409 for an action the current status does not allow', async () => {
    const response = await act('start');
    expect(response.status).toBe(409);
    expect(response.body).toEqual({
      title: 'Conflict',
      status: 409,
      detail: "action 'start' is not valid for a pod in status PROVISIONING",
    });
    clock.advance(1000);
    expect((await act('start')).status).toBe(409);
  });

  it('stops to EXITED, starts back through STARTING, restarts in place', async () => {
    clock.advance(1000);
    const stopped = await act('stop');
    expect(stopped.body).toMatchObject({ status: 'EXITED', actions: ['start', 'terminate'], cost: 0, runtime: null });
    expect(stopped.body.ssh.direct).toBeNull();
    expect(validateComponent('Pod', stopped.body)).toEqual([]);

    expect((await act('start')).body).toMatchObject({ status: 'STARTING', actions: ['stop', 'terminate'] });
    clock.advance(150);
    expect(fake.pods.get(podId)?.status).toBe('RUNNING');

    expect((await act('restart')).body.status).toBe('STARTING');
  });

  it('can stop a pod that is still provisioning', async () => {
    expect((await act('stop')).body.status).toBe('EXITED');
  });

  it('terminates with 204 and the pod is gone', async () => {
    const response = await act('terminate');
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    expect((await call(fake, 'GET', `/v2/pods/${podId}`)).status).toBe(404);
    expect((await act('stop')).status).toBe(404);
  });

  it('validates the body (422) and refuses to stop a locked pod (400)', async () => {
    expect((await act('pause')).status).toBe(422);
    expect((await call(fake, 'POST', `/v2/pods/${podId}/action`, { body: { action: 'stop', force: true } })).body.errors).toEqual([
      "$: additional properties 'force' not allowed",
    ]);
    await call(fake, 'PATCH', `/v2/pods/${podId}`, { body: { locked: true } });
    expect((await act('stop')).status).toBe(400);
  });

  it('restarts an ERROR pod with start', async () => {
    fake.setStatus(podId, 'ERROR');
    expect((await act('start')).body.status).toBe('STARTING');
  });
});
