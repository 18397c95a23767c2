import { describe, expect, it } from 'vitest';
import type { ResourceStatus } from '../resource/resource-status.ts';
import type { TrainingProvider } from '../provider/training-provider.ts';
import { RunctlError } from '../errors/runctl-error.ts';
import { createMockProvider } from '../testing/mock-provider.ts';
import { ResourceWatcher } from './resource-watcher.ts';

function counting(provider: TrainingProvider): TrainingProvider & { listCalls: number; statusCalls: number } {
  const wrapped = {
    ...provider,
    listCalls: 0,
    statusCalls: 0,
    listResources: (...args: Parameters<TrainingProvider['listResources']>) => {
      wrapped.listCalls++;
      return provider.listResources(...args);
    },
    getResourceStatus: (...args: Parameters<TrainingProvider['getResourceStatus']>) => {
      wrapped.statusCalls++;
      return provider.getResourceStatus(...args);
    },
  };
  return wrapped;
}

describe('ResourceWatcher', () => {
  it('costs one list call per provider per poll, however many resources are watched', async () => {
    const a = counting(createMockProvider({ name: 'a' }));
    const b = counting(createMockProvider({ name: 'b' }));
    const watcher = new ResourceWatcher({ interval: 60_000 });
    for (let index = 0; index < 50; index++) watcher.watch(a, (await a.createResource('x')).id);
    for (let index = 0; index < 20; index++) watcher.watch(b, (await b.createResource('x')).id);
    const states: ResourceStatus[] = [];
    watcher.on('state', (status) => states.push(status));
    await watcher.poll();
    await watcher.poll();
    expect(a.listCalls).toBeLessThanOrEqual(3); // the automatic first poll may have run too
    expect(b.listCalls).toBeLessThanOrEqual(3);
    expect(a.statusCalls + b.statusCalls).toBe(0);
    expect(states.filter((status) => status.provider === 'a')).toHaveLength(100);
    watcher.stop();
  });

  it('emits change only when the state moves, and drops terminated resources', async () => {
    const provider = createMockProvider();
    const { id } = await provider.createResource('x');
    const watcher = new ResourceWatcher({ interval: 60_000 });
    const changes: Array<[string, string | undefined]> = [];
    watcher.on('change', (status, previous) => changes.push([status.state, previous?.state]));
    watcher.watch(provider, id);
    await watcher.poll();
    await watcher.poll();
    await provider.terminate(id);
    await watcher.poll();
    expect(changes).toEqual([['running', undefined], ['terminated', 'running']]);
    expect(watcher.size).toBe(0);
    watcher.stop();
  });

  it('reports resources that vanished from the provider as terminated', async () => {
    const provider = createMockProvider();
    const watcher = new ResourceWatcher({ interval: 60_000 });
    const seen: ResourceStatus[] = [];
    watcher.on('change', (status) => seen.push(status));
    watcher.watch(provider, 'mock-404');
    await watcher.poll();
    expect(seen[0]).toMatchObject({ id: 'mock-404', state: 'terminated', raw: 'not-found' });
    watcher.stop();
  });

  it('emits error for a failing provider and keeps polling the others', async () => {
    const good = createMockProvider({ name: 'good' });
    const bad: TrainingProvider = { ...createMockProvider({ name: 'bad' }), listResources: () => Promise.reject(new RunctlError({ code: 'RATE_LIMITED', message: '429' })) };
    const watcher = new ResourceWatcher({ interval: 60_000 });
    const errors: RunctlError[] = [];
    const states: string[] = [];
    watcher.on('error', (error) => errors.push(error));
    watcher.on('state', (status) => states.push(status.provider));
    watcher.watch(good, (await good.createResource('x')).id).watch(bad, 'whatever');
    await watcher.poll();
    expect(errors.map((error) => error.code)).toContain('RATE_LIMITED');
    expect(states).toContain('good');
    watcher.stop();
  });

  it('polls on its interval and stops when its signal aborts', async () => {
    const provider = counting(createMockProvider());
    const controller = new AbortController();
    const watcher = new ResourceWatcher({ interval: 20, signal: controller.signal });
    watcher.watch(provider, (await provider.createResource('x')).id);
    await new Promise((resolve) => setTimeout(resolve, 150));
    controller.abort();
    const callsAtStop = provider.listCalls;
    expect(callsAtStop).toBeGreaterThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(provider.listCalls).toBe(callsAtStop);
    expect(watcher.stopped).toBe(true);
  });
});
