import { describe, expect, it } from 'vitest';
import { NoSuchProviderError } from '../errors/no-such-provider-error.ts';
import { RunctlError } from '../errors/runctl-error.ts';
import type { TrainingProvider } from '../provider/training-provider.ts';
import { createMockProvider } from '../testing/mock-provider.ts';
import { ProviderRegistry } from './provider-registry.ts';

function slow(provider: TrainingProvider, ms: number, fail?: RunctlError): TrainingProvider {
  return {
    ...provider,
    listResources: async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      if (fail) throw fail;
      return provider.listResources(...args);
    },
  };
}

describe('ProviderRegistry', () => {
  it('registers, gets, lists and checks providers', () => {
    const registry = new ProviderRegistry([createMockProvider({ name: 'a' })]).register(createMockProvider({ name: 'b' }));
    expect(registry.names()).toEqual(['a', 'b']);
    expect(registry.has('a')).toBe(true);
    expect(registry.get('b').name).toBe('b');
    expect(registry.list()).toHaveLength(2);
    registry.register(createMockProvider({ name: 'b' }), 'b-alias');
    expect(registry.has('b-alias')).toBe(true);
  });

  it('get on an unknown name lists the available ones', () => {
    const registry = new ProviderRegistry([createMockProvider({ name: 'local' }), createMockProvider({ name: 'runpod' })]);
    expect(() => registry.get('aws')).toThrow(NoSuchProviderError);
    expect(() => registry.get('aws')).toThrow(/Available: local, runpod/);
  });

  it('lists every provider concurrently and reports partial failures next to results', async () => {
    const a = createMockProvider({ name: 'a' });
    const b = createMockProvider({ name: 'b' });
    await a.createResource('x');
    await b.createResource('y');
    const failure = new RunctlError({ code: 'AUTH', message: 'bad key', provider: 'c' });
    const registry = new ProviderRegistry([slow(a, 200), slow(b, 200), slow(createMockProvider({ name: 'c' }), 200, failure)]);
    const started = performance.now();
    const { resources, failures } = await registry.listAllResources();
    const elapsed = performance.now() - started;
    expect(resources.map((resource) => resource.provider).sort()).toEqual(['a', 'b']);
    expect(failures).toEqual([{ provider: 'c', error: failure }]);
    // Concurrent: about one provider's latency, not the sum of three.
    expect(elapsed).toBeLessThan(500);
  });

  it('wraps non-runctl failures into PROVIDER errors', async () => {
    const broken: TrainingProvider = { ...createMockProvider({ name: 'z' }), listResources: () => Promise.reject(new Error('kaput')) };
    const { failures } = await new ProviderRegistry([broken]).listAllResources();
    expect(failures[0]?.error.code).toBe('PROVIDER');
    expect(failures[0]?.error.message).toBe('kaput');
  });
});
