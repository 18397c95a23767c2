import { describe, expect, test } from 'vitest';
import { addTransition, cancelPendingShutdowns, instanceState, REASONS, type FakeInstance } from './fake-ec2-instances.ts';

const timing = { pendingMs: 100, shuttingDownMs: 50, stoppingMs: 50 };

function instance(): FakeInstance {
  return {
    instanceId: 'i-0123456789abcdef0', reservationId: 'r-1', amiLaunchIndex: 0, imageId: 'ami-1', instanceType: 'g5.xlarge',
    launchedAt: 1000, clientToken: '', availabilityZone: 'us-east-1a', privateIp: '10.0.0.1', subnetId: 's', vpcId: 'v',
    tags: new Map(), shutdownBehavior: 'terminate',
    metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled', instanceMetadataTags: 'disabled' },
    volumeIds: [], transitions: [], sandboxDir: '/tmp/x',
  };
}

const terminate = (at: number, source: 'api' | 'instance' | 'spot' = 'api') =>
  ({ at, kind: 'terminate', reason: source === 'spot' ? REASONS.spotTerminate : REASONS.user, text: '', source }) as const;

describe('instance state from timestamps', () => {
  test('pending → running, then shutting-down → terminated', () => {
    const inst = instance();
    expect(instanceState(inst, 1050, timing).name).toBe('pending');
    expect(instanceState(inst, 1100, timing)).toMatchObject({ name: 'running', code: 16 });
    addTransition(inst, terminate(2000), 2000, timing);
    expect(instanceState(inst, 2010, timing)).toMatchObject({ name: 'shutting-down', code: 32, reason: REASONS.user });
    expect(instanceState(inst, 2050, timing)).toMatchObject({ name: 'terminated', code: 48 });
  });

  test('a scheduled spot termination is overtaken by an earlier user termination', () => {
    const inst = instance();
    addTransition(inst, terminate(5000, 'spot'), 2000, timing);
    addTransition(inst, terminate(3000), 3000, timing);
    expect(instanceState(inst, 6000, timing).reason).toEqual(REASONS.user);
  });

  test('a stop followed by a termination ends terminated; `shutdown -c` drops future self shutdowns', () => {
    const inst = instance();
    addTransition(inst, { at: 2000, kind: 'stop', reason: REASONS.instance, text: '', source: 'instance' }, 2000, timing);
    expect(instanceState(inst, 2100, timing).name).toBe('stopped');
    addTransition(inst, terminate(3000), 3000, timing);
    expect(instanceState(inst, 3100, timing).name).toBe('terminated');

    const other = instance();
    addTransition(other, { ...terminate(9000), source: 'instance' }, 2000, timing);
    cancelPendingShutdowns(other, 3000);
    expect(instanceState(other, 10_000, timing).name).toBe('running');
  });
});
