import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, RunctlError, type LogEvent, type LogLineEvent, type TrainingProvider } from '@runctl/core';
import { createLocal } from './local-provider.ts';

const child = (name: string): string => new URL(`./test-fixtures/${name}`, import.meta.url).pathname;

async function collect(events: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const result: LogEvent[] = [];
  for await (const event of events) result.push(event);
  return result;
}

describe('local provider reliability (real processes)', () => {
  let root: string;
  let provider: TrainingProvider;
  let resourceId: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'runctl-local-reliability-'));
    provider = createLocal({ root, killGrace: '1s' });
    resourceId = (await provider.createResource('local')).id;
  });
  afterAll(async () => {
    await provider.terminate(resourceId).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });

  it('a monitor killed with SIGKILL resumes from its last cursor: every line exactly once', async () => {
    const total = 20_000;
    const job = await provider.train(resourceId, { command: ['sh', '-c', `i=1; while [ $i -le ${total} ]; do echo "seq $i"; i=$((i+1)); if [ $((i % 2000)) -eq 0 ]; then sleep 0.2; fi; done`] });
    const monitor = spawn(process.execPath, ['--conditions=@runctl/source', child('monitor-child.ts'), root, resourceId, job.jobId], { stdio: ['ignore', 'pipe', 'inherit'] });
    const seen: string[] = [];
    let lastCursor: string | undefined;
    for await (const text of createInterface({ input: monitor.stdout })) {
      const event = JSON.parse(text) as { line?: string; cursor?: string };
      if (event.line === undefined) continue;
      seen.push(event.line);
      lastCursor = event.cursor;
      if (seen.length === 5_000) monitor.kill('SIGKILL');
    }
    expect(seen.length).toBeGreaterThanOrEqual(5_000);
    expect(seen.length).toBeLessThan(total);
    const rest = await collect(provider.monitor(resourceId, { cursor: lastCursor as string }));
    const all = [...seen, ...rest.filter((event): event is LogLineEvent => event.type === 'log').map((event) => event.line)];
    expect(all).toEqual(Array.from({ length: total }, (_, index) => `seq ${index + 1}`));
    expect(rest.at(-1)).toMatchObject({ type: 'exit', status: { state: 'succeeded' } });
  });

  it('delivers a 1,000,000-line job once and in order', async () => {
    const job = await provider.train(resourceId, { command: ['seq', '1', '1000000'] });
    let expected = 1;
    let exit: LogEvent | undefined;
    for await (const event of provider.monitor(resourceId, { jobId: job.jobId })) {
      if (event.type === 'exit') exit = event;
      else if (event.line !== String(expected++)) throw new Error(`line ${expected - 1} was ${JSON.stringify(event.line)}`);
    }
    expect(expected - 1).toBe(1_000_000);
    expect(exit).toMatchObject({ type: 'exit', status: { state: 'succeeded', exitCode: 0 } });
  }, 120_000);

  it('handles partial lines, \\r progress bars, lines over 1 MiB and invalid UTF-8 without losing a byte', async () => {
    const longLine = Buffer.alloc(1_572_864 + 7, 'x');
    const parts = [
      Buffer.from('start\n'),
      Buffer.from('10%\r50%\r100%\n'),
      Buffer.concat([Buffer.from('bad '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' utf8\n')]),
      Buffer.concat([longLine, Buffer.from('\n')]),
      Buffer.from('ünïcödé ✓\n'),
      Buffer.from('no newline at the end'),
    ];
    const expected = Buffer.concat(parts);
    const payload = join(root, 'payload.bin');
    await writeFile(payload, expected);
    const job = await provider.train(resourceId, { command: ['sh', '-c', 'head -c 6 "$1"; sleep 0.3; tail -c +7 "$1"', 'sh', payload] });
    const events = await collect(provider.monitor(resourceId, { jobId: job.jobId }));
    const lines = events.filter((event): event is LogLineEvent => event.type === 'log');
    const rebuilt = Buffer.concat(
      lines.flatMap((event, index) => {
        const body = event.bytes ? Buffer.from(event.bytes) : Buffer.from(event.line);
        const last = index === lines.length - 1;
        const terminator = event.progress ? '\r' : event.continued || last ? '' : '\n';
        return [body, Buffer.from(terminator)];
      }),
    );
    expect(rebuilt.equals(expected)).toBe(true);
    expect(lines.filter((event) => event.progress).map((event) => event.line)).toEqual(['10%', '50%']);
    expect(lines.some((event) => event.continued)).toBe(true);
    expect(lines.find((event) => event.line.startsWith('bad'))?.bytes).toBeDefined();
    expect(events.at(-1)).toMatchObject({ type: 'exit', status: { state: 'succeeded' } });
  });

  it('maxRuntime kills a job that ignores SIGTERM, with reason max-runtime', async () => {
    const started = Date.now();
    const job = await provider.train(resourceId, { command: ['sh', '-c', 'trap "echo ignoring TERM" TERM; while :; do sleep 0.1; done'], maxRuntime: '1s' });
    const events = await collect(provider.monitor(resourceId, { jobId: job.jobId }));
    expect(events.at(-1)).toMatchObject({ type: 'exit', status: { state: 'failed', reason: 'max-runtime', exitCode: 137 } });
    expect(events.some((event) => event.type === 'log' && event.line === 'ignoring TERM')).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a job outlives the process that started it, even through SIGHUP and SIGKILL', async () => {
    const trainer = spawn(process.execPath, ['--conditions=@runctl/source', child('train-child.ts'), root, resourceId], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    const [jobId] = await new Promise<string[]>((resolve) => createInterface({ input: trainer.stdout }).once('line', (line) => resolve([line])));
    process.kill(-(trainer.pid as number), 'SIGHUP');
    trainer.kill('SIGKILL');
    const events = await collect(provider.monitor(resourceId, { jobId: jobId as string }));
    expect(events.filter((event) => event.type === 'log').map((event) => (event as LogLineEvent).line)).toEqual(['survived']);
    expect(events.at(-1)).toMatchObject({ type: 'exit', status: { state: 'succeeded' } });
  });

  it('syncs the workdir (gitignore-aware), copies dataSource in and outputs out', async () => {
    const workdir = join(root, 'project');
    const data = join(root, 'dataset');
    const outputs = join(root, 'exported');
    await mkdir(join(workdir, 'ignored'), { recursive: true });
    await mkdir(data, { recursive: true });
    await writeFile(join(workdir, '.gitignore'), 'ignored/\n');
    await writeFile(join(workdir, 'ignored', 'big.bin'), 'x');
    await writeFile(join(workdir, 'job.sh'), 'ls ignored 2>/dev/null || echo no-ignored; cat "$RUNCTL_DATA_DIR/rows.csv"; echo "$1" > "$RUNCTL_OUTPUT_DIR/result.txt"\n');
    await writeFile(join(data, 'rows.csv'), 'a,b\n1,2\n');
    const job = await provider.train(resourceId, { script: 'job.sh', workdir, args: ['it worked'], dataSource: data, outputDest: outputs });
    const events = await collect(provider.monitor(resourceId, { jobId: job.jobId }));
    expect(events.filter((event) => event.type === 'log').map((event) => `${(event as LogLineEvent).stream}:${(event as LogLineEvent).line}`)).toEqual(['stdout:no-ignored', 'stdout:a,b', 'stdout:1,2']);
    expect(await readFile(join(outputs, 'result.txt'), 'utf8')).toBe('it worked\n');
  });

  it('download refuses paths and symlinks that escape the workspace', async () => {
    const error = await provider.download(resourceId, '../../etc/passwd', join(root, 'stolen')).catch((reason: unknown) => reason);
    expect(InvalidInputError.isInstance(error) && error.field).toBe('remotePath');
    await symlink('/etc', join(root, resourceId, 'etc-link'));
    const viaLink = await provider.download(resourceId, 'etc-link/passwd', join(root, 'stolen')).catch((reason: unknown) => reason);
    expect(RunctlError.hasCode(viaLink, 'INVALID_INPUT')).toBe(true);
    await expect(readFile(join(root, 'stolen'))).rejects.toThrow();
  });

  it('train on a terminated resource fails fast with a typed error', async () => {
    const doomed = await provider.createResource('local');
    await provider.terminate(doomed.id);
    const started = Date.now();
    const error = await provider.train(doomed.id, { command: ['true'] }).catch((reason: unknown) => reason);
    expect(RunctlError.hasCode(error, 'INVALID_STATE')).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await provider.getResourceStatus(doomed.id)).state).toBe('terminated');
  });

  it('terminate cancels running jobs and removes the workspace', async () => {
    const resource = await provider.createResource('local');
    const job = await provider.train(resource.id, { command: ['sleep', '300'] });
    await provider.terminate(resource.id);
    await expect(readFile(join(root, resource.id, '.runctl', 'resource.json'))).rejects.toThrow();
    const { status } = await import('node:child_process').then(({ spawnSync }) => spawnSync('pgrep', ['-f', job.jobId]));
    expect(status).toBe(1);
    await expect(provider.terminate(resource.id)).resolves.toBeUndefined();
  });
});
