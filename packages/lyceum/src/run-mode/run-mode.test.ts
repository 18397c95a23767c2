import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError, RunctlError, type LogEvent, type LogLineEvent } from '@runctl/core';
import { createLyceum } from '../lyceum-provider.ts';
import { startLyceumHarness, type LyceumHarness } from '../test-harness.ts';
import type { FakeLyceumOptions } from '../testing/index.ts';

let harness: LyceumHarness;
afterEach(async () => {
  await harness?.close();
});

const start = (fake: FakeLyceumOptions = {}) => startLyceumHarness({ fake: { runDurationMs: 80, ...fake }, settings: { streamIdleTimeout: '5s' } });
const errorOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

/** Waits until the fake run has printed `text`. */
async function printed(h: LyceumHarness, executionId: string, text: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (h.fake.execution(executionId)?.output !== text) {
    if (Date.now() > deadline) throw new Error(`run ${executionId} never printed ${JSON.stringify(text)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function collect(events: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const result: LogEvent[] = [];
  for await (const event of events) result.push(event);
  return result;
}
const lines = (events: readonly LogEvent[]): string[] => events.filter((event): event is LogLineEvent => event.type === 'log').map((event) => event.line);
const exitOf = (events: readonly LogEvent[]) => {
  const last = events.at(-1);
  if (last?.type !== 'exit') throw new Error(`no exit event: ${JSON.stringify(last)}`);
  return last.status;
};

// Multi-byte characters, a long line and blank lines, cut into uneven SSE chunks by the fake.
const SCRIPT_LINES = ['epoch 1 loss=0.9 ✓', 'épreuve 2 — 中文 🚀', '', 'x'.repeat(5_000), 'epoch 3 loss=0.1', 'done'];

describe('Lyceum run mode: submitting', () => {
  it('runs a Python script with sys.argv, workdir files and requirements', async () => {
    harness = await start();
    const workdir = join(harness.scratch, 'project');
    await mkdir(join(workdir, 'data'), { recursive: true });
    await writeFile(join(workdir, 'train.py'), 'import sys\nprint(sys.argv)\n');
    await writeFile(join(workdir, 'helper.py'), 'X = 1\n');
    await writeFile(join(workdir, 'requirements.txt'), 'numpy==2.1.0\n');
    await writeFile(join(workdir, '.gitignore'), 'data/\n');
    await writeFile(join(workdir, 'data', 'big.bin'), Buffer.from([0, 1, 2, 255]));
    const resource = await harness.provider.createResource('run:gpu.a100', { name: 'short' });
    expect(resource).toMatchObject({ state: 'running', instanceType: 'run:gpu.a100', name: 'short', costPerHour: 0, tags: { 'runctl:managed': 'true' } });

    const job = await harness.provider.train(resource.id, { script: 'train.py', workdir, args: ['--lr', '1e-3', 'two words', `it's "quoted"`], environment: { MODE: 'fast' }, maxRuntime: '5m' });
    const submission = harness.fake.execution(job.jobId)?.submission;
    expect(submission).toMatchObject({ kind: 'python', executionType: 'gpu.a100', timeoutSeconds: 300, fileName: 'train.py', requirements: 'numpy==2.1.0\n' });
    expect(submission?.kind === 'python' && submission.argv).toEqual(['train.py', '--lr', '1e-3', 'two words', `it's "quoted"`]);
    expect(submission?.kind === 'python' && Object.keys(submission.importFiles).sort()).toEqual(['.gitignore', 'helper.py', 'requirements.txt', 'train.py']);
    expect(submission?.kind === 'python' && submission.code).toContain('os.environ.update({"MODE":"fast"})');

    const events = await collect(harness.provider.monitor(resource.id, { jobId: job.jobId }));
    expect(lines(events)).toEqual(['fake-lyceum: python train.py on gpu.a100', `argv: ["train.py","--lr","1e-3","two words","it's \\"quoted\\""]`, 'files: .gitignore helper.py requirements.txt train.py']);
    expect(exitOf(events)).toMatchObject({ jobId: job.jobId, state: 'succeeded', exitCode: 0, reason: 'completed' });
  });

  it('runs a command in a Docker image with env as K=V lines', async () => {
    harness = await start();
    const resource = await harness.provider.createResource('run:cpu', { image: 'python:3.12-slim' });
    const job = await harness.provider.train(resource.id, { command: ['python', '-c', 'print(1)'], args: ['a b'], environment: { A: 'x=y' }, secrets: { TOKEN: 'sekret-value-123' } });
    const submission = harness.fake.execution(job.jobId)?.submission;
    expect(submission).toMatchObject({ kind: 'image', image: 'python:3.12-slim', command: ['python', '-c', 'print(1)', 'a b'], env: { PYTHONUNBUFFERED: '1', A: 'x=y', TOKEN: 'sekret-value-123' }, ignoredEnvLines: [] });
    expect(lines(await collect(harness.provider.monitor(resource.id)))).toContain('env: A PYTHONUNBUFFERED TOKEN');
  });

  it('runs a command without an image under Python, as an argv', async () => {
    harness = await start();
    const resource = await harness.provider.createResource('run:cpu');
    const job = await harness.provider.train(resource.id, { command: 'echo "$1"', args: ['hi there'] });
    const submission = harness.fake.execution(job.jobId)?.submission;
    expect(submission?.kind === 'python' && submission.code).toContain('subprocess.call(["sh","-c","echo \\"$1\\" \\"$@\\"","sh","hi there"])');
  });

  it('refuses what a run cannot do, naming the field, before submitting anything', async () => {
    harness = await start();
    const python = await harness.provider.createResource('run:cpu');
    const docker = await harness.provider.createResource('run:cpu', { image: 'alpine:3' });
    for (const [id, job, field, text] of [
      [python.id, { command: ['true'], maxRuntime: '11m' }, 'job.maxRuntime', /VM mode/],
      [docker.id, { command: ['true'], environment: { A: 'one\ntwo' } }, 'job.environment.A', /line breaks/],
      [docker.id, { command: ['true'], secrets: { KEY: 'never-shown\r' } }, 'job.secrets.KEY', /line breaks/],
      [python.id, { command: ['true'], secrets: { KEY: 'never-shown' } }, 'job.secrets', /stored code/],
      [python.id, { script: 'train.sh' }, 'job.script', /\.py/],
      [python.id, { command: ['true'], dataSource: 's3://bucket/x' }, 'job.dataSource', /bucket/],
      [docker.id, { command: ['true'], workdir: '.' }, 'job.workdir', /image/],
    ] as const) {
      const error = await errorOf(harness.provider.train(id, job));
      expect(InvalidInputError.isInstance(error) && error.field).toBe(field);
      expect((error as Error).message).toMatch(text);
      expect((error as Error).message).not.toContain('never-shown');
    }
    expect(harness.fake.executions).toHaveLength(0);
    await expect(harness.provider.train(python.id, { command: ['true'], maxRuntime: '600s' })).resolves.toMatchObject({ provider: 'lyceum' });
    expect(harness.fake.executions[0]?.submission.timeoutSeconds).toBe(600);
  });

  it('never submits a run twice: a lost answer is reported, a 429 is retried', async () => {
    harness = await start();
    const resource = await harness.provider.createResource('run:cpu');
    harness.fake.failNext('POST /execution/streaming/start', { reset: 'after' });
    const lost = await errorOf(harness.provider.train(resource.id, { command: ['true'] }));
    expect(RunctlError.hasCode(lost, 'PROVIDER')).toBe(true);
    expect((lost as RunctlError).retryable).toBe(false);
    expect((lost as Error).message).toMatch(/may or may not have started/);
    expect(harness.fake.executions).toHaveLength(1);
    harness.fake.failNext('POST /execution/streaming/start', { status: 429, retryAfterSeconds: 0 });
    await harness.provider.train(resource.id, { command: ['true'] });
    expect(harness.fake.executions).toHaveLength(2);
    expect(harness.fake.calls.filter((call) => call.route === '/execution/streaming/start')).toHaveLength(3);
  });

  it('surfaces a 422 with the fields Lyceum named', async () => {
    const corrupting: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (!request.url.endsWith('/execution/streaming/start')) return fetch(request);
      const body = { ...((await request.json()) as Record<string, unknown>), timeout: 601, nbcode: 'x' };
      return fetch(new Request(request, { body: JSON.stringify(body) }));
    };
    harness = await startLyceumHarness({ settings: { fetch: corrupting } });
    const resource = await harness.provider.createResource('run:cpu');
    const error = await errorOf(harness.provider.train(resource.id, { command: ['true'] }));
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as InvalidInputError).issues.map((issue) => issue.field).sort()).toEqual(['job.maxRuntime', 'nbcode']);
    expect((error as Error).message).toMatch(/timeout: Input should be less than or equal to 600/);
  });
});

describe('Lyceum run mode: following output', () => {
  it('reassembles lines from SSE events split across chunks, with exact cursors', async () => {
    harness = await start({ script: () => ({ lines: SCRIPT_LINES }) });
    const resource = await harness.provider.createResource('run:cpu');
    const job = await harness.provider.train(resource.id, { command: ['true'] });
    const events = await collect(harness.provider.monitor(resource.id, { jobId: job.jobId }));
    expect(lines(events)).toEqual(SCRIPT_LINES);
    expect(events.map((event) => event.cursor)).toEqual([...SCRIPT_LINES.map((_, index) => `l1.${job.jobId}.${index + 1}`), `l1.${job.jobId}.${SCRIPT_LINES.length}.end`]);
    // It really was the stream, not the stored logs.
    expect(harness.fake.calls.some((call) => call.route.startsWith('/logs/'))).toBe(false);
    expect(harness.fake.calls.some((call) => call.path.startsWith('/api/v1/stream/') && call.authorization === `Bearer ${harness.fake.apiKey}`)).toBe(true);
  });

  it.each([
    ['mid-frame', { partialFrame: true }],
    ['by a reset', { reset: true, partialFrame: false }],
  ])('falls back to polling when the stream drops (%s), losing and repeating nothing', async (_label, drop) => {
    harness = await start({ script: () => ({ lines: SCRIPT_LINES, durationMs: 300, outcome: 'failed', returnCode: 2 }) });
    const resource = await harness.provider.createResource('run:cpu');
    const job = await harness.provider.train(resource.id, { command: ['true'] });
    harness.fake.dropStreamAfter(3, { executionId: job.jobId, ...drop });
    const events = await collect(harness.provider.monitor(resource.id, { jobId: job.jobId }));
    expect(lines(events)).toEqual(SCRIPT_LINES);
    expect(events.map((event) => event.cursor)).toEqual([...SCRIPT_LINES.map((_, index) => `l1.${job.jobId}.${index + 1}`), `l1.${job.jobId}.${SCRIPT_LINES.length}.end`]);
    expect(exitOf(events)).toMatchObject({ state: 'failed', reason: 'completed' });
    expect(harness.fake.calls.some((call) => call.route === `/logs/execution/${job.jobId}`)).toBe(true);
  });

  it('resumes from any cursor with exactly the remaining events, from the stream or the stored logs', async () => {
    harness = await start({ script: () => ({ lines: SCRIPT_LINES }) });
    const resource = await harness.provider.createResource('run:cpu');
    const job = await harness.provider.train(resource.id, { command: ['true'] });
    const all = await collect(harness.provider.monitor(resource.id, { jobId: job.jobId }));
    for (let index = 0; index < all.length; index++) {
      const rest = await collect(harness.provider.monitor(resource.id, { cursor: (all[index] as LogEvent).cursor }));
      expect(rest.map((event) => event.cursor)).toEqual(all.slice(index + 1).map((event) => event.cursor));
      expect(lines(rest)).toEqual(lines(all.slice(index + 1)));
    }
    // The same from another process, which knows nothing but the ids.
    const other = createLyceum(harness.settings);
    expect(lines(await collect(other.monitor(resource.id, { jobId: job.jobId })))).toEqual(SCRIPT_LINES);
    expect(await other.getJobStatus(resource.id, job.jobId)).toMatchObject({ state: 'succeeded', exitCode: 0 });
    const invalid = await errorOf(collect(harness.provider.monitor(resource.id, { cursor: 'a1.nope' })));
    expect(InvalidInputError.isInstance(invalid) && invalid.field).toBe('options.cursor');
  });

  it('resumes a live run from a cursor on the stream', async () => {
    harness = await start({ script: () => ({ lines: SCRIPT_LINES, durationMs: 3_000 }) });
    const resource = await harness.provider.createResource('run:cpu');
    const job = await harness.provider.train(resource.id, { command: ['true'] });
    let cursor = '';
    for await (const event of harness.provider.monitor(resource.id, { jobId: job.jobId })) {
      cursor = event.cursor;
      if (event.type === 'log' && event.line === SCRIPT_LINES[1]) break;
    }
    expect(harness.fake.execution(job.jobId)?.status).toBe('running');
    const rest = await collect(harness.provider.monitor(resource.id, { cursor }));
    expect(lines(rest)).toEqual(SCRIPT_LINES.slice(2));
    expect(harness.fake.calls.some((call) => call.route.startsWith('/logs/'))).toBe(false);
  });

  it('ends a non-zero returnCode as failed with that exit code, whatever its JSON type', async () => {
    for (const returnCodeType of ['string', 'number'] as const) {
      harness = await start({ script: () => ({ lines: ['oops'], outcome: 'failed', returnCode: 3, returnCodeType }) });
      const resource = await harness.provider.createResource('run:cpu');
      const job = await harness.provider.train(resource.id, { command: ['false'] });
      const exit = exitOf(await collect(harness.provider.monitor(resource.id, { jobId: job.jobId })));
      expect(exit).toMatchObject({ state: 'failed', exitCode: 3, reason: 'completed' });
      expect(await harness.provider.getJobStatus(resource.id, job.jobId)).toMatchObject({ state: 'failed', exitCode: 3 });
      await harness.close();
    }
    harness = await start();
  });

  it.each([
    ['system_failure', { state: 'failed', reason: 'error', message: 'Execution failed due to an infrastructure error' }],
    ['timeout', { state: 'failed', reason: 'max-runtime' }],
  ] as const)('reports a %s run with its reason', async (outcome, expected) => {
    harness = await start({ script: () => ({ lines: ['x'], outcome }) });
    const resource = await harness.provider.createResource('run:cpu');
    const job = await harness.provider.train(resource.id, { command: ['true'] });
    expect(exitOf(await collect(harness.provider.monitor(resource.id, { jobId: job.jobId })))).toMatchObject(expected);
  });

  it('cancels with /workloads/abort; the monitor ends cancelled; terminate stops what still runs', async () => {
    harness = await start({ script: () => ({ lines: ['warming up'], durationMs: Number.POSITIVE_INFINITY }) });
    const resource = await harness.provider.createResource('run:cpu');
    const job = await harness.provider.train(resource.id, { command: ['sleep', 'forever'] });
    const monitoring = collect(harness.provider.monitor(resource.id, { jobId: job.jobId }));
    await printed(harness, job.jobId, 'warming up\n');
    expect(await harness.provider.cancelJob(resource.id, job.jobId)).toMatchObject({ state: 'cancelled', reason: 'cancelled' });
    const events = await monitoring;
    expect(lines(events)).toEqual(['warming up']);
    expect(exitOf(events)).toMatchObject({ state: 'cancelled' });
    expect(harness.fake.calls.some((call) => call.method === 'POST' && call.route === `/workloads/abort/${job.jobId}`)).toBe(true);

    const second = await harness.provider.train(resource.id, { command: ['sleep', 'forever'] });
    await harness.provider.terminate(resource.id);
    expect(harness.fake.execution(second.jobId)?.status).toBe('aborted');
    expect((await harness.provider.getResourceStatus(resource.id)).state).toBe('terminated');
    expect(RunctlError.hasCode(await errorOf(harness.provider.train(resource.id, { command: ['true'] })), 'INVALID_STATE')).toBe(true);
    await harness.provider.terminate(resource.id);
  });

  it('follow: false gives what is there so far; an abort signal stops following at once', async () => {
    harness = await start({ script: () => ({ lines: ['one', 'two'], durationMs: Number.POSITIVE_INFINITY }) });
    const resource = await harness.provider.createResource('run:cpu');
    const job = await harness.provider.train(resource.id, { command: ['true'] });
    await printed(harness, job.jobId, 'one\ntwo\n');
    const snapshot = await collect(harness.provider.monitor(resource.id, { jobId: job.jobId, follow: false }));
    expect(lines(snapshot)).toEqual(['one', 'two']);
    expect(snapshot.some((event) => event.type === 'exit')).toBe(false);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = Date.now();
    const error = await errorOf(collect(harness.provider.monitor(resource.id, { jobId: job.jobId, signal: controller.signal })));
    expect(RunctlError.hasCode(error, 'ABORTED')).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    await harness.provider.cancelJob(resource.id, job.jobId);
  });

  it('falls back to polling when the stream goes quiet', async () => {
    // Output comes every ~270 ms; the stream counts as dropped after 150 ms of silence.
    harness = await startLyceumHarness({ fake: { runStartDelayMs: 5, script: () => ({ lines: ['a', 'b'], durationMs: 800 }) }, settings: { streamIdleTimeout: 150 } });
    const resource = await harness.provider.createResource('run:cpu');
    const job = await harness.provider.train(resource.id, { command: ['true'] });
    const events = await collect(harness.provider.monitor(resource.id, { jobId: job.jobId }));
    expect(lines(events)).toEqual(['a', 'b']);
    expect(exitOf(events).state).toBe('succeeded');
    expect(harness.fake.calls.some((call) => call.route === `/logs/execution/${job.jobId}`)).toBe(true);
  });
});

describe('Lyceum run mode: downloading', () => {
  it('downloads a file or a folder from the bucket, by key or by its /mnt/s3 path', async () => {
    harness = await start();
    harness.fake.putFile('outputs/result.txt', 'done');
    harness.fake.putFile('outputs/ckpt/model.bin', new Uint8Array([1, 2, 3]));
    harness.fake.putFile('outputs-other/x.txt', 'not in the folder');
    const resource = await harness.provider.createResource('run:cpu');
    const single = await harness.provider.download(resource.id, '/mnt/s3/outputs/result.txt', join(harness.scratch, 'result.txt'));
    expect(single).toMatchObject({ files: 1, bytes: 4 });
    expect(await readFile(join(harness.scratch, 'result.txt'), 'utf8')).toBe('done');
    const progress: number[] = [];
    const folder = await harness.provider.download(resource.id, 'outputs', join(harness.scratch, 'out'), { onProgress: ({ bytes }) => progress.push(bytes) });
    expect(folder).toMatchObject({ files: 2, bytes: 7 });
    expect(await readFile(join(harness.scratch, 'out', 'ckpt', 'model.bin'))).toEqual(Buffer.from([1, 2, 3]));
    expect(progress.at(-1)).toBe(7);
    expect(RunctlError.hasCode(await errorOf(harness.provider.download(resource.id, 'missing', join(harness.scratch, 'm'))), 'NOT_FOUND')).toBe(true);
    const climbing = await errorOf(harness.provider.download(resource.id, 'outputs/../x', join(harness.scratch, 'm')));
    expect(InvalidInputError.isInstance(climbing) && climbing.field).toBe('remotePath');
  });
});
