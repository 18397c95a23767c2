import { afterEach, describe, expect, it } from 'vitest';
import { startFakeRunpod, type FakeRunpod } from './fake-runpod.ts';
import { validateComponent } from './spec-validator.ts';
import { call, GPU_POD, manualClock } from './test-client.ts';

const SSHD = { host: '127.0.0.1', port: 2222, username: 'root' };

describe('pod lifecycle', () => {
  let fake: FakeRunpod;
  afterEach(() => fake.close());

  it('walks PROVISIONING → STARTING → RUNNING as time passes, then deletes', async () => {
    const clock = manualClock();
    fake = await startFakeRunpod({ now: clock.now, sshEndpoint: SSHD });

    const created = await call(fake, 'POST', '/v2/pods', { body: GPU_POD });
    expect(created.status).toBe(201);
    expect(validateComponent('Pod', created.body)).toEqual([]);
    expect(created.body).toMatchObject({
      name: 'train',
      status: 'PROVISIONING',
      actions: ['stop', 'terminate'],
      gpu: { id: 'NVIDIA GeForce RTX 4090', count: 1 },
      cloud: 'SECURE',
      cost: 0.44,
      runtime: null,
      startedAt: null,
      createdAt: '2026-06-01T12:00:00Z',
    });
    expect(created.body.ssh.direct).toBeNull();
    expect(created.body.ssh.proxy.username).toMatch(new RegExp(`^${created.body.id}-[0-9a-f]{8}$`));
    expect(created.body.id).toMatch(/^[a-z0-9]{14}$/);
    const path = `/v2/pods/${created.body.id}`;

    clock.advance(150);
    expect((await call(fake, 'GET', path)).body).toMatchObject({ status: 'STARTING', runtime: null });

    clock.advance(150);
    clock.advance(5000);
    const running = await call(fake, 'GET', path);
    expect(validateComponent('Pod', running.body)).toEqual([]);
    expect(running.body).toMatchObject({
      status: 'RUNNING',
      actions: ['stop', 'restart', 'terminate'],
      startedAt: '2026-06-01T12:00:00Z',
      ssh: { direct: { host: '127.0.0.1', port: 2222, username: 'root', command: 'ssh root@127.0.0.1 -p 2222' } },
      runtime: { uptime: 5, ports: [{ private: 22, public: 2222, type: 'tcp', ip: '127.0.0.1' }] },
    });

    const list = await call(fake, 'GET', '/v2/pods');
    expect(validateComponent('ListPodsResponse', list.body)).toEqual([]);
    expect(list.body.pods.map((p: { id: string }) => p.id)).toEqual([created.body.id]);

    expect((await call(fake, 'DELETE', path)).status).toBe(204);
    expect((await call(fake, 'GET', path)).body).toEqual({ title: 'Not Found', status: 404, detail: 'pod not found' });
    expect((await call(fake, 'DELETE', path)).status).toBe(404);
    expect(fake.pods.size).toBe(0);
  });

  it('advances with the real clock too', async () => {
    fake = await startFakeRunpod({ provisioningMs: 20, startingMs: 20 });
    const { body } = await call(fake, 'POST', '/v2/pods', { body: GPU_POD });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(fake.pods.get(body.id)?.status).toBe('RUNNING');
  });

  it('reports ssh.direct only when 22/tcp is exposed', async () => {
    const clock = manualClock();
    fake = await startFakeRunpod({ now: clock.now, sshEndpoint: SSHD });
    const { body } = await call(fake, 'POST', '/v2/pods', { body: { ...GPU_POD, ports: ['8888/http'] } });
    clock.advance(1000);
    const pod = fake.pods.get(body.id);
    expect(pod?.status).toBe('RUNNING');
    expect(pod?.ssh.direct).toBeNull();
    expect(pod?.runtime?.ports).toEqual([{ private: 8888, public: expect.any(Number), type: 'http', ip: '127.0.0.1' }]);
  });

  it('prices by cloud and GPU count, and charges nothing once EXITED', async () => {
    fake = await startFakeRunpod();
    const { body } = await call(fake, 'POST', '/v2/pods', {
      body: { ...GPU_POD, cloud: 'COMMUNITY', gpu: { id: 'NVIDIA A100 80GB PCIe', count: 2 } },
    });
    expect(body).toMatchObject({ cloud: 'COMMUNITY', cost: 2.38, gpu: { count: 2 }, cudaVersion: '12.8' });
    fake.setStatus(body.id, 'EXITED');
    expect(fake.pods.get(body.id)?.cost).toBe(0);
  });

  it('keeps stuck pods in PROVISIONING', async () => {
    const clock = manualClock();
    fake = await startFakeRunpod({ now: clock.now });
    const first = await call(fake, 'POST', '/v2/pods', { body: GPU_POD });
    fake.stickInProvisioning(first.body.id);
    fake.stickInProvisioning('all-new');
    const second = await call(fake, 'POST', '/v2/pods', { body: GPU_POD });
    clock.advance(60_000);
    expect(fake.pods.get(first.body.id)?.status).toBe('PROVISIONING');
    expect(fake.pods.get(second.body.id)?.status).toBe('PROVISIONING');
    fake.setStatus(second.body.id, 'RUNNING');
    expect(fake.pods.get(second.body.id)?.status).toBe('RUNNING');
  });

  it('lets tests delete pods and force statuses', async () => {
    fake = await startFakeRunpod();
    const { body } = await call(fake, 'POST', '/v2/pods', { body: GPU_POD });
    fake.setStatus(body.id, 'ERROR');
    expect((await call(fake, 'GET', `/v2/pods/${body.id}`)).body).toMatchObject({ status: 'ERROR', actions: ['start', 'terminate'] });
    expect(fake.deletePod(body.id)).toBe(true);
    expect((await call(fake, 'GET', `/v2/pods/${body.id}`)).status).toBe(404);
    expect(fake.deletePod(body.id)).toBe(false);
    expect(() => fake.setStatus(body.id, 'RUNNING')).toThrow(/no pod/);
  });

  it('injects PUBLIC_KEY for startSsh only when keys are registered', async () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILXGDN/SclOozk1xsDztpmhGiKkkrfQB9SKoO8dSIQQZ me@example.com';
    fake = await startFakeRunpod();
    const without = await call(fake, 'POST', '/v2/pods', { body: { ...GPU_POD, startSsh: true } });
    expect(without.body.env).toEqual({});
    await call(fake, 'PUT', '/v2/account/ssh-keys', { body: { keys: [key] } });
    const withKey = await call(fake, 'POST', '/v2/pods', { body: { ...GPU_POD, startSsh: true, env: { A: '1' } } });
    expect(withKey.body.env).toEqual({ A: '1', PUBLIC_KEY: key });
    const own = await call(fake, 'POST', '/v2/pods', { body: { ...GPU_POD, startSsh: true, env: { PUBLIC_KEY: 'mine' } } });
    expect(own.body.env).toEqual({ PUBLIC_KEY: 'mine' });
  });

  it('updates pods with PATCH', async () => {
    fake = await startFakeRunpod();
    const { body } = await call(fake, 'POST', '/v2/pods', { body: { ...GPU_POD, mounts: { persistent: { size: 20, path: '/workspace' } } } });
    const path = `/v2/pods/${body.id}`;
    const patched = await call(fake, 'PATCH', path, { body: { name: 'renamed', locked: true, mounts: { persistent: { size: 40, path: '/data' } } } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'renamed', locked: true, mounts: { persistent: { size: 40, path: '/data' } } });
    expect((await call(fake, 'PATCH', path, { body: { mounts: { network: [{ volumeId: 'v', path: '/n' }] } } })).status).toBe(400);
    expect((await call(fake, 'PATCH', path, { body: { gpu: { id: 'x' } } })).status).toBe(422);
  });
});
