import { InvalidInputError, RunctlError, type LogEvent } from '@runctl/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContainerLogEvent } from './container-logs.ts';
import { collect, failureOf, startRunpodHarness, type RunpodHarness } from './test-fixtures/runpod-harness.ts';

describe('runpod container logs (SSE)', () => {
  let harness: RunpodHarness;
  let id: string;
  beforeEach(async () => {
    harness = await startRunpodHarness();
    id = (await harness.provider.createResource('RTX4090')).id;
  });
  afterEach(() => harness.close());

  it('reads the history as events with resumable cursors', async () => {
    const { provider, fake } = harness;
    for (const line of ['boot', 'Model loaded.', 'epoch 1']) fake.appendLog(id, line);
    fake.appendLog(id, 'host: container started', 'system');
    const container = await collect(provider.containerLogs(id, { follow: false, idleTimeout: 200 }));
    expect(container.map((event) => event.line)).toEqual(['boot', 'Model loaded.', 'epoch 1']);
    expect(container[0]).toMatchObject({ type: 'log', stream: 'stdout', source: 'container' });
    expect(container[0]?.timestamp).toBeInstanceOf(Date);

    const resumed = await collect(provider.containerLogs(id, { follow: false, idleTimeout: 200, cursor: container[0]?.cursor as string }));
    expect(resumed.map((event) => event.line)).toEqual(['Model loaded.', 'epoch 1']);
    expect(fake.calls.at(-1)?.query).toEqual({ source: 'container' });

    const all = await collect(provider.containerLogs(id, { follow: false, idleTimeout: 200, source: 'all', tail: 2 }));
    expect(all.map((event) => `${event.stream}:${event.line}`)).toEqual(['stdout:epoch 1', 'system:host: container started']);
  });

  it('follows live lines, resumes from its cursor after the stream breaks (nothing lost or repeated), ends when the pod is deleted', async () => {
    const cuttable = cuttableFetch();
    const provider = harness.withSettings({ fetch: cuttable.fetch });
    const { fake } = harness;
    const seen: string[] = [];
    const done = (async () => {
      for await (const event of provider.containerLogs(id, { tail: 0 })) seen.push(event.line);
    })();
    await until(() => cuttable.open() === 1);
    fake.appendLog(id, 'one');
    await until(() => seen.length === 1);
    cuttable.cut();
    fake.appendLog(id, 'two'); // written while no stream is open
    await until(() => cuttable.open() === 1);
    fake.appendLog(id, 'three');
    await until(() => seen.length === 3);
    expect(seen).toEqual(['one', 'two', 'three']);
    expect(fake.calls.filter((call) => call.path.endsWith('/logs'))).toHaveLength(2);
    fake.deletePod(id);
    await done;
  });

  it('monitor({ source: "container" }) streams the container and ends with resource-lost when the pod goes', async () => {
    const { provider, fake } = harness;
    fake.appendLog(id, 'started by the image, not by runctl');
    const events: LogEvent[] = [];
    const done = (async () => {
      for await (const event of provider.monitor(id, { source: 'container' })) events.push(event);
    })();
    await until(() => events.length === 1);
    fake.appendLog(id, 'still going');
    await until(() => events.length === 2);
    fake.deletePod(id);
    await done;
    expect(events.map((event) => (event.type === 'log' ? event.line : `exit:${event.status.reason}`))).toEqual(['started by the image, not by runctl', 'still going', 'exit:resource-lost']);
  });

  it('validates options and reports unknown pods', async () => {
    const { provider } = harness;
    const badTail = await failureOf(collect(provider.containerLogs(id, { tail: 9_000 })));
    expect(InvalidInputError.isInstance(badTail) && badTail.field).toBe('options.tail');
    const badSince = await failureOf(collect(provider.containerLogs(id, { since: 'yesterday' })));
    expect(InvalidInputError.isInstance(badSince) && badSince.field).toBe('options.since');
    const badSource = await failureOf(collect(provider.monitor(id, { source: 'nope' as 'job' })));
    expect(InvalidInputError.isInstance(badSource) && badSource.field).toBe('options.source');
    expect(RunctlError.hasCode(await failureOf(collect(provider.containerLogs('missing', { follow: false }))), 'NOT_FOUND')).toBe(true);
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A fetch whose event streams the test can break, as a proxy or network would. */
function cuttableFetch(): { fetch: typeof fetch; cut(): void; open(): number } {
  const live = new Set<TransformStreamDefaultController<Uint8Array>>();
  return {
    async fetch(input, init) {
      const response = await fetch(input, init);
      if (!response.headers.get('content-type')?.includes('text/event-stream') || response.body === null) return response;
      let controller: TransformStreamDefaultController<Uint8Array> | undefined;
      const body = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          start(created) {
            controller = created;
            live.add(created);
          },
          flush() {
            if (controller) live.delete(controller);
          },
        }),
      );
      return new Response(body, { status: response.status, headers: response.headers });
    },
    cut() {
      for (const controller of live) controller.error(new TypeError('terminated'));
      live.clear();
    },
    open: () => live.size,
  };
}
