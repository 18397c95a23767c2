import { afterEach, describe, expect, it } from 'vitest';
import { startFakeLyceum } from './fake-lyceum.ts';
import type { FakeLyceum, FakeLyceumOptions } from './fake-types.ts';
import { readEventStream } from './read-event-stream.ts';
import { callApi, startPythonRun, waitForTerminalStatus } from './test-helpers.ts';

const LINES = ['epoch 1/3 loss=0.91', 'epoch 2/3 loss=0.52', 'epoch 3/3 loss=0.33 ✓', 'saving checkpoint', 'done'];

let fake: FakeLyceum;
afterEach(async () => {
  await fake.close();
});

async function start(options: FakeLyceumOptions = {}): Promise<FakeLyceum> {
  fake = await startFakeLyceum({ runStartDelayMs: 5, runDurationMs: 40, ...options });
  return fake;
}

function stream(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { headers: { authorization: `Bearer ${fake.apiKey}`, accept: 'text/event-stream' }, ...init });
}

const outputOf = (events: Array<{ data: string }>) =>
  events
    .map((event) => JSON.parse(event.data))
    .filter((payload) => 'output' in payload)
    .map((payload) => payload.output.content as string);

describe('SSE stream', () => {
  it('streams output split across events and TCP writes, then jobFinished', async () => {
    await start({ script: () => ({ lines: LINES }) });
    const run = await startPythonRun(fake);
    expect(run.status).toBe('pending');
    expect(run.streaming_url).toBe(`${fake.url}/api/v1/stream/${run.execution_id}`);

    const response = await stream(run.streaming_url);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { chunks, events, endedCleanly } = await readEventStream(response);
    expect(endedCleanly).toBe(true);

    const contents = outputOf(events);
    expect(contents.join('')).toBe(`${LINES.join('\n')}\n`);
    // Some events carry part of a line, some more than one line.
    expect(contents.some((content) => !content.endsWith('\n'))).toBe(true);
    expect(contents.some((content) => content.split('\n').length > 2)).toBe(true);
    expect(JSON.parse(events.at(-1)?.data ?? '')).toEqual({ jobFinished: { job: { result: { returnCode: '0' } } } });

    // The frames really are split across reads: most reads end inside a frame,
    // and a parser that trusts one read to hold whole `data:` lines fails.
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.split('\n\n').filter((frame) => frame !== '')).toHaveLength(events.length);
    const frameEnds = new Set<number>();
    for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n', end + 2)) frameEnds.add(Buffer.byteLength(text.slice(0, end + 2)));
    let offset = 0;
    let readsEndingMidFrame = 0;
    for (const chunk of chunks) {
      offset += chunk.byteLength;
      if (!frameEnds.has(offset)) readsEndingMidFrame += 1;
    }
    expect(readsEndingMidFrame).toBeGreaterThanOrEqual(events.length / 2);
    let naiveFailures = 0;
    for (const chunk of chunks) {
      for (const line of Buffer.from(chunk).toString('utf8').split('\n')) {
        if (!line.startsWith('data: ')) continue;
        try {
          JSON.parse(line.slice(6));
        } catch {
          naiveFailures += 1;
        }
      }
    }
    expect(naiveFailures).toBeGreaterThan(0);
  });

  it('echoes the injected argv by default and replays everything to a late reader', async () => {
    await start();
    const code = 'import sys; sys.argv = ["train.py", "--lr", "0.1", \'it\\\'s\']\nprint("hi")\n';
    const run = await startPythonRun(fake, { code, file_name: 'train.py', import_files: JSON.stringify({ 'lib/util.py': 'x = 1' }) });
    await waitForTerminalStatus(fake, run.execution_id);
    // POST without a header works: the stream URL is self-authorising by default.
    const { events } = await readEventStream(await fetch(run.streaming_url, { method: 'POST' }));
    expect(outputOf(events).join('')).toBe(
      ['fake-lyceum: python train.py on cpu', 'argv: ["train.py","--lr","0.1","it\'s"]', 'files: lib/util.py', ''].join('\n'),
    );
    expect(fake.execution(run.execution_id)?.submission).toMatchObject({ kind: 'python', argv: ['train.py', '--lr', '0.1', "it's"], importFiles: { 'lib/util.py': 'x = 1' } });
  });

  it('refuses a wrong key on the stream, and a missing one when configured', async () => {
    await start({ streamRequiresAuth: true });
    const run = await startPythonRun(fake);
    expect((await fetch(run.streaming_url, { headers: { authorization: 'Bearer lk_nope' } })).status).toBe(401);
    expect((await fetch(run.streaming_url)).status).toBe(401);
    expect((await fetch(`${fake.url}/api/v1/stream/unknown`, { headers: { authorization: `Bearer ${fake.apiKey}` } })).status).toBe(404);
  });

  it('runs Docker images with parsed env and reports a user failure', async () => {
    await start({
      script: (submission) =>
        submission.kind === 'image' ? { lines: [`MODEL=${submission.env['MODEL']}`], outcome: 'failed_user', returnCode: 3 } : undefined,
    });
    const answer = await callApi(fake, 'POST', '/execution/image/start', {
      docker_image_ref: 'ghcr.io/acme/train:1',
      docker_run_cmd: ['python', 'train.py'],
      docker_run_env: 'MODEL=gpt2\nTOKEN=a=b\n\nbroken-line',
      execution_type: 'gpu.a100',
      timeout: 600,
    });
    expect(answer.status).toBe(200);
    const id: string = answer.body.execution_id;
    const { events } = await readEventStream(await stream(answer.body.streaming_url));
    expect(outputOf(events).join('')).toBe('MODEL=gpt2\n');
    expect(JSON.parse(events.at(-1)?.data ?? '')).toEqual({ jobFinished: { job: { result: { returnCode: '3' } } } });
    expect(await waitForTerminalStatus(fake, id)).toEqual({ execution_id: id, status: 'failed_user', errors: null });
    expect(fake.execution(id)?.submission).toMatchObject({ env: { MODEL: 'gpt2', TOKEN: 'a=b' }, ignoredEnvLines: ['broken-line'], command: ['python', 'train.py'] });
  });

  it('reports system failures with an error in jobFinished and status, and numeric return codes on request', async () => {
    await start({ script: () => ({ lines: ['starting'], outcome: 'system_failure', returnCodeType: 'number', error: 'node lost' }) });
    const run = await startPythonRun(fake);
    const { events } = await readEventStream(await stream(run.streaming_url));
    expect(JSON.parse(events.at(-1)?.data ?? '')).toEqual({ jobFinished: { job: { result: { returnCode: -1, error: 'node lost' } } } });
    expect(await waitForTerminalStatus(fake, run.execution_id)).toMatchObject({ status: 'system_failure', errors: 'node lost' });
  });

  it('ends a run that outlives its timeout as `timeout`', async () => {
    await start({ script: () => ({ lines: ['tick'], durationMs: Number.POSITIVE_INFINITY }) });
    const run = await startPythonRun(fake, { timeout: 1 });
    const { events } = await readEventStream(await stream(run.streaming_url));
    expect(outputOf(events)).toEqual(['tick\n']);
    expect(JSON.parse(events.at(-1)?.data ?? '').jobFinished.job.result.error).toBe('Execution timed out after 1 seconds');
    expect(fake.execution(run.execution_id)?.status).toBe('timeout');
  });

  it('can use CRLF line endings, which a spec-compliant reader handles', async () => {
    await start({ sseLineEnding: '\r\n', script: () => ({ lines: ['a', 'b'] }) });
    const run = await startPythonRun(fake);
    const { chunks, events } = await readEventStream(await stream(run.streaming_url));
    expect(Buffer.concat(chunks).toString()).toContain('\r\n\r\n');
    expect(outputOf(events)).toEqual(['a\n', 'b\n']);
    expect(events).toHaveLength(3);
  });
});
