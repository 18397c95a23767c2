import { afterEach, describe, expect, it } from 'vitest';
import { startFakeLyceum } from './fake-lyceum.ts';
import type { FakeLyceum } from './fake-types.ts';
import { callApi, waitFor } from './test-helpers.ts';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests test@runctl';

let fake: FakeLyceum;
afterEach(async () => {
  await fake.close();
});

async function createVm(body: Record<string, unknown> = {}) {
  return callApi(fake, 'POST', '/vms/create', { user_public_key: KEY, hardware_profile: 'a100', instance_specs: { gpu_count: 1 }, display_name: 'runctl-test', ...body });
}

describe('VM lifecycle', () => {
  it('goes pending → ready with a null IP, then reports host:port', async () => {
    fake = await startFakeLyceum({ vmPendingMs: 40, ipDelayMs: 150, sshEndpoint: { host: '127.0.0.1', port: 2222 } });
    const created = await createVm();
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      status: 'pending',
      ip_address: null,
      display_name: 'runctl-test',
      instance_type: 'on-demand',
      // Top-level profile and count are null on create; the values live in instance_specs.
      hardware_profile: null,
      gpu_count: null,
      instance_specs: { gpu_type: 'a100', gpu_count: 1 },
    });
    expect(created.body.created_at).not.toMatch(/Z$/);
    const id: string = created.body.vm_id;

    const ready = await waitFor(async () => {
      const answer = await callApi(fake, 'GET', `/vms/${id}/status`);
      return answer.body.status === 'ready' ? answer.body : undefined;
    });
    expect(ready.ip_address).toBeNull();
    expect(ready).toMatchObject({ vm_id: id, hardware_profile: 'a100', gpu_count: 1 });
    expect(ready.created_at).toMatch(/\.\d{6}Z$/);

    const reachable = await waitFor(async () => (await callApi(fake, 'GET', `/vms/${id}/status`)).body.ip_address ?? undefined);
    expect(reachable).toBe('127.0.0.1:2222');
    expect(fake.vm(id)).toMatchObject({ status: 'ready', ipAddress: '127.0.0.1:2222', sshUser: 'lyceum', userPublicKey: KEY });
  });

  it('reports a bare host when SSH is on port 22, and `running` when configured', async () => {
    fake = await startFakeLyceum({ vmPendingMs: 0, ipDelayMs: 0, vmReadyStatus: 'running', sshEndpoint: { host: '10.1.2.3', port: 22, user: 'ubuntu' } });
    const id: string = (await createVm()).body.vm_id;
    const status = await callApi(fake, 'GET', `/vms/${id}/status`);
    expect(status.body).toMatchObject({ status: 'running', ip_address: '10.1.2.3' });
    expect(fake.vm(id)?.sshUser).toBe('ubuntu');
  });

  it('lists every VM in one call, terminated ones included unless asked not to', async () => {
    fake = await startFakeLyceum({ vmPendingMs: 0, ipDelayMs: 0 });
    const first: string = (await createVm({ display_name: 'one' })).body.vm_id;
    const second: string = (await createVm({ display_name: 'two', hardware_profile: 'cpu', instance_specs: null })).body.vm_id;
    expect(first).not.toBe(second);

    const deleted = await callApi(fake, 'DELETE', `/vms/${first}`);
    expect(deleted.body).toEqual({ vm_id: first, status: 'terminated', message: `VM ${first} has been terminated` });
    expect((await callApi(fake, 'DELETE', `/vms/${first}`)).body).toEqual({ detail: 'VM not found' });

    const all = await callApi(fake, 'GET', '/vms/list');
    expect(all.body.total).toBe(2);
    expect(all.body.vms.map((vm: { display_name: string; status: string }) => [vm.display_name, vm.status])).toEqual([
      ['one', 'terminated'],
      ['two', 'ready'],
    ]);
    expect(all.body.vms[1]).toMatchObject({ hardware_profile: 'cpu', gpu_count: 0 });
    const live = await callApi(fake, 'GET', '/vms/list?include_terminated=false&include_failed=false');
    expect(live.body.vms.map((vm: { vm_id: string }) => vm.vm_id)).toEqual([second]);
  });

  it('keeps a never-reachable VM ready without an IP', async () => {
    fake = await startFakeLyceum({ vmPendingMs: 10, ipDelayMs: 10 });
    fake.neverReachable('all-new');
    const id: string = (await createVm()).body.vm_id;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await callApi(fake, 'GET', `/vms/${id}/status`)).body).toMatchObject({ status: 'ready', ip_address: null });
  });

  it('gives unreachable TEST-NET addresses when no SSH endpoint is set, and can cut one VM off', async () => {
    fake = await startFakeLyceum({ vmPendingMs: 0, ipDelayMs: 0 });
    const reachable: string = (await createVm()).body.vm_id;
    const cutOff: string = (await createVm()).body.vm_id;
    fake.neverReachable(cutOff);
    expect(fake.vm(reachable)?.ipAddress).toMatch(/^198\.51\.100\.\d+$/);
    expect(fake.vm(cutOff)?.ipAddress).toBeNull();
  });

  it('terminates or forgets VMs behind the client’s back', async () => {
    fake = await startFakeLyceum({ vmPendingMs: 0, ipDelayMs: 0 });
    const id: string = (await createVm()).body.vm_id;
    fake.deleteVm(id);
    expect((await callApi(fake, 'GET', `/vms/${id}/status`)).body.status).toBe('terminated');
    fake.deleteVm(id, { purge: true });
    const gone = await callApi(fake, 'GET', `/vms/${id}/status`);
    expect(gone).toMatchObject({ status: 404, body: { detail: 'VM not found' } });
  });

  it('refuses unknown profiles and GPU counts with 400, and turns gpu_count 0 into 1', async () => {
    fake = await startFakeLyceum();
    const unknown = await createVm({ hardware_profile: 'tpu' });
    expect(unknown).toMatchObject({ status: 400, body: { detail: "Unknown hardware_profile 'tpu'. Valid options: a100, cpu, h100, l40s" } });
    expect((await createVm({ instance_specs: { gpu_count: 3 } })).status).toBe(400);
    const zero = await createVm({ instance_specs: { gpu_count: 0 } });
    expect(zero.body.instance_specs.gpu_count).toBe(1);
    expect(fake.vms).toHaveLength(1);
  });
});
