import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { RunctlError } from '../errors/runctl-error.ts';
import type { TrainingJob } from '../job/training-job.ts';
import type { LogEvent, LogLineEvent } from '../job/log-event.ts';
import type { CreateResourceOptions, TrainingProvider } from '../provider/training-provider.ts';

/** Options of {@link describeProviderConformance}. */
export interface ConformanceOptions {
  /** Instance type to create. */
  instanceType: string;
  createOptions?: CreateResourceOptions;
  /** A short job. Default: a shell job printing {@link CONFORMANCE_LINES} and writing `outputs/result.txt`. */
  job?: TrainingJob;
  /** The stdout lines `job` prints, in order. */
  expectedLines?: readonly string[];
  /** A file `job` leaves, and its contents. */
  outputFile?: { remotePath: string; contents: string };
  /** A job that runs until cancelled (default: `sleep 300` in a loop that prints). */
  longJob?: TrainingJob;
  /** Per-test timeout in ms (default 60 000). */
  timeout?: number;
  /** Called after the suite, e.g. to stop fake servers. */
  cleanup?: () => Promise<void> | void;
}

/** Lines the default conformance job prints. */
export const CONFORMANCE_LINES: readonly string[] = Array.from({ length: 5 }, (_, index) => `conformance line ${index + 1}`);

/** The default conformance job: prints five lines, one to stderr, and writes `outputs/result.txt`. */
export const CONFORMANCE_JOB: TrainingJob = {
  name: 'conformance',
  command: ['sh', '-c', 'for i in 1 2 3 4 5; do echo "conformance line $i"; done; echo "to stderr" >&2; mkdir -p outputs; printf done > outputs/result.txt'],
};

/** The default long job: prints a heartbeat until it is stopped. */
export const CONFORMANCE_LONG_JOB: TrainingJob = {
  name: 'conformance-long',
  command: ['sh', '-c', 'while true; do echo tick; sleep 0.2; done'],
};

/**
 * The conformance suite every provider runs: one `describe` block that checks
 * the whole contract of {@link TrainingProvider} against a live instance.
 *
 * @example
 * ```ts
 * describeProviderConformance('local', () => createLocal({ root: tmp }), { instanceType: 'local' });
 * ```
 */
export function describeProviderConformance(
  label: string,
  makeProvider: () => TrainingProvider | Promise<TrainingProvider>,
  options: ConformanceOptions,
): void {
  const timeout = options.timeout ?? 60_000;
  const job = options.job ?? CONFORMANCE_JOB;
  const expectedLines = options.expectedLines ?? (options.job ? undefined : CONFORMANCE_LINES);
  const outputFile = options.outputFile ?? (options.job ? undefined : { remotePath: 'outputs/result.txt', contents: 'done' });
  const longJob = options.longJob ?? CONFORMANCE_LONG_JOB;

  describe(`${label}: provider conformance (spec v1)`, () => {
    let provider: TrainingProvider;
    let scratch: string;
    const created: string[] = [];
    const create = async (): Promise<string> => {
      const resource = await provider.createResource(options.instanceType, options.createOptions);
      created.push(resource.id);
      return resource.id;
    };

    beforeAll(async () => {
      provider = await makeProvider();
      scratch = await mkdtemp(join(tmpdir(), 'runctl-conformance-'));
    }, timeout);

    afterAll(async () => {
      await Promise.allSettled(created.map((id) => provider.terminate(id)));
      await rm(scratch, { recursive: true, force: true });
      await options.cleanup?.();
    }, timeout);

    it('declares spec v1 and its capabilities', () => {
      expect(provider.specificationVersion).toBe('v1');
      expect(typeof provider.name).toBe('string');
      for (const key of ['spot', 'stop', 'multiNode', 'logCursor', 'download', 'maxRuntime', 'tags'] as const) {
        expect(typeof provider.capabilities[key]).toBe('boolean');
      }
    });

    it('create → status → train → monitor → download → terminate', async () => {
      const id = await create();
      const status = await provider.getResourceStatus(id);
      expect(status.id).toBe(id);
      expect(status.provider).toBe(provider.name);
      expect(['starting', 'running']).toContain(status.state);
      expect(typeof status.raw).toBe('string');
      expect(status.tags['runctl:managed']).toBe('true');

      const listed = await provider.listResources({ ids: [id] });
      expect(listed.map((resource) => resource.id)).toEqual([id]);

      const handle = await provider.train(id, job);
      expect(handle.resourceId).toBe(id);
      const events = await collect(provider.monitor(id, { jobId: handle.jobId }));
      const exit = events.at(-1);
      expect(exit?.type).toBe('exit');
      if (exit?.type !== 'exit') return;
      expect(exit.status.state).toBe('succeeded');
      expect(exit.status.exitCode).toBe(0);
      if (expectedLines !== undefined) expect(stdoutLines(events)).toEqual(expectedLines);
      const final = await provider.getJobStatus(id, handle.jobId);
      expect(final.state).toBe('succeeded');

      if (outputFile !== undefined && provider.capabilities.download) {
        const target = join(scratch, 'download', 'result.txt');
        const result = await provider.download(id, outputFile.remotePath, target);
        expect(result.files).toBe(1);
        expect(await readFile(target, 'utf8')).toBe(outputFile.contents);
      }

      await provider.terminate(id);
      const after = await provider.getResourceStatus(id).catch((error: unknown) => error);
      if (RunctlError.isInstance(after)) expect(after.code).toBe('NOT_FOUND');
      else expect(['terminating', 'terminated']).toContain((after as { state: string }).state);
      await expect(provider.terminate(id)).resolves.toBeUndefined();
    }, timeout);

    it('gives NOT_FOUND for an unknown resource id', async () => {
      const unknown = 'runctl-conformance-unknown-id';
      await expectCode(provider.getResourceStatus(unknown), 'NOT_FOUND');
      await expectCode(provider.train(unknown, job), 'NOT_FOUND');
    }, timeout);

    it('resumes monitor from a cursor with exactly the remaining events', async () => {
      const id = await create();
      const handle = await provider.train(id, job);
      const all = await collect(provider.monitor(id, { jobId: handle.jobId }));
      expect(all.at(-1)?.type).toBe('exit');
      for (const index of [0, Math.floor(all.length / 2), all.length - 2]) {
        const from = all[index];
        if (from === undefined || index < 0) continue;
        const rest = await collect(provider.monitor(id, { jobId: handle.jobId, cursor: from.cursor }));
        // Exact within each stream; stdout and stderr are separate pipes, so their interleaving may differ.
        expect(byStream(rest)).toEqual(byStream(all.slice(index + 1)));
        expect(rest.at(-1)?.type).toBe('exit');
      }
      const afterExit = await collect(provider.monitor(id, { cursor: (all.at(-1) as LogEvent).cursor }));
      expect(afterExit).toEqual([]);
    }, timeout);

    it('stops monitor promptly when its signal aborts, and cancels a job', async () => {
      const id = await create();
      const handle = await provider.train(id, longJob);
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 300);
      const outcome = await collect(provider.monitor(id, { jobId: handle.jobId, signal: controller.signal })).catch((error: unknown) => error);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(RunctlError.hasCode(outcome, 'ABORTED')).toBe(true);
      const cancelled = await provider.cancelJob(id, handle.jobId);
      expect(cancelled.state).toBe('cancelled');
      expect(cancelled.reason).toBe('cancelled');
    }, timeout);

    it('stops following when the consumer breaks out of the loop', async () => {
      const id = await create();
      const handle = await provider.train(id, longJob);
      let seen = 0;
      for await (const event of provider.monitor(id, { jobId: handle.jobId })) {
        if (event.type === 'log') seen++;
        if (seen >= 1) break;
      }
      expect(seen).toBe(1);
      await provider.cancelJob(id, handle.jobId);
    }, timeout);

    it('rejects invalid input with INVALID_INPUT naming the field', async () => {
      await expectField(provider.createResource(options.instanceType, { ...options.createOptions, maxLifetime: 'soon' }), 'options.maxLifetime');
      await expectField(provider.estimateCost(options.instanceType, -1), 'hours');
      const id = await create();
      await expectField(provider.train(id, { script: 'train.py', command: ['python'] }), 'job.command');
      await expectField(provider.train(id, { command: ['echo'], environment: { 'BAD NAME': 'x' } }), 'job.environment.BAD NAME');
      await expectField(provider.train(id, { command: ['echo', 'a\0b'] }), 'job.command[1]');
      await expectField(collect(provider.monitor(id, { cursor: 'not-a-cursor' })), 'options.cursor');
    }, timeout);

    it('estimates cost', async () => {
      const estimate = await provider.estimateCost(options.instanceType, 2);
      expect(estimate.hours).toBe(2);
      expect(estimate.total).toBeCloseTo(estimate.costPerHour * 2, 6);
      expect(estimate.currency).toBe('USD');
    }, timeout);
  });
}

async function collect(events: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const result: LogEvent[] = [];
  for await (const event of events) result.push(event);
  return result;
}

function stdoutLines(events: readonly LogEvent[]): string[] {
  return events.filter((event): event is LogLineEvent => event.type === 'log' && event.stream === 'stdout').map((event) => event.line);
}

function byStream(events: readonly LogEvent[]): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const event of events) (groups[event.type === 'log' ? event.stream : 'exit'] ??= []).push(summary(event));
  return groups;
}

function summary(event: LogEvent): string {
  return event.type === 'log' ? `${event.stream}:${event.line}` : `exit:${event.status.state}:${event.status.exitCode}`;
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(RunctlError.isInstance(error) ? error.code : error).toBe(code);
}

async function expectField(promise: Promise<unknown>, field: string): Promise<void> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(InvalidInputError.isInstance(error) ? error.field : error).toBe(field);
  expect((error as Error).message).toContain(field);
}
