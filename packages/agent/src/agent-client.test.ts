import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunctlError, type LogEvent, type LogLineEvent } from '@runctl/core';
import { AgentClient } from './agent-client.ts';
import { createLocalTransport } from './transport/local-transport.ts';

async function collect(events: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const result: LogEvent[] = [];
  for await (const event of events) result.push(event);
  return result;
}
const lines = (events: LogEvent[], stream = 'stdout'): string[] =>
  events.filter((event): event is LogLineEvent => event.type === 'log' && event.stream === stream).map((event) => event.line);

describe('AgentClient over the local transport', () => {
  let root: string;
  let agent: AgentClient;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'runctl-agent-'));
    agent = new AgentClient({ transport: createLocalTransport(), workspace: root, follow: { partialFlushMs: 200 } });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('runs a job detached and streams both streams to an exit event', async () => {
    const { jobId } = await agent.startJob({ name: 'hello', argv: ['sh', '-c', 'echo one; echo two >&2; echo three; exit 4'] });
    const events = await collect(agent.followLog({ jobId }));
    expect(lines(events)).toEqual(['one', 'three']);
    expect(lines(events, 'stderr')).toEqual(['two']);
    const exit = events.at(-1);
    expect(exit).toMatchObject({ type: 'exit', status: { jobId, state: 'failed', exitCode: 4, reason: 'completed' } });
    expect((await agent.jobStatus(jobId)).state).toBe('failed');
    expect((await agent.listJobs()).map((job) => job.jobId)).toContain(jobId);
  });

  it('passes argv through exactly, hostile strings included', async () => {
    const argv = ["it's", '$(touch pwned)', '`id`', 'a\nb', '--flag', '', 'émoji 🚀', '*', '$HOME'];
    const { jobId } = await agent.startJob({ argv: ['sh', '-c', 'printf "%s\\n" "$#"; for a in "$@"; do printf "[%s]\\n" "$a"; done', 'sh', ...argv] });
    const events = await collect(agent.followLog({ jobId }));
    const out = (await agent.readLog(jobId, 'stdout')).toString('utf8');
    expect(out).toBe(`${argv.length}\n${argv.map((value) => `[${value}]`).join('\n')}\n`);
    expect(events.at(-1)).toMatchObject({ type: 'exit', status: { state: 'succeeded' } });
    await expect(stat(join(root, 'pwned'))).rejects.toThrow();
  });

  it('gives secrets to the job only: never the spec, and the env file is deleted', async () => {
    const { jobId, jobDir } = await agent.startJob({
      argv: ['sh', '-c', 'test "$TOKEN" = "$(printf hunter2-%s secret)" && echo has-token; echo "public=$PUBLIC"'],
      environment: { PUBLIC: 'yes' },
      secrets: { TOKEN: 'hunter2-secret' },
    });
    const events = await collect(agent.followLog({ jobId }));
    expect(lines(events)).toEqual(['has-token', 'public=yes']);
    expect(await readdir(jobDir)).not.toContain('env');
    for (const file of await readdir(jobDir)) {
      expect(await readFile(join(jobDir, file), 'utf8')).not.toContain('hunter2-secret');
    }
    expect(JSON.parse(await readFile(join(jobDir, 'spec.json'), 'utf8'))).toMatchObject({ secretNames: ['TOKEN'], environment: { PUBLIC: 'yes' } });
  });

  it('redacts a secret the job prints, in streamed lines', async () => {
    const { jobId } = await agent.startJob({ argv: ['sh', '-c', 'echo "token is $TOKEN"'], secrets: { TOKEN: 'zz-top-secret-9' } });
    expect(lines(await collect(agent.followLog({ jobId })))).toEqual(['token is ***']);
  });

  it('resumes from any cursor with exactly the remaining events', async () => {
    const { jobId } = await agent.startJob({ argv: ['sh', '-c', 'for i in $(seq 1 50); do echo "out $i"; [ $((i % 7)) -eq 0 ] && echo "err $i" >&2; done; printf "tail-no-newline"'] });
    const all = await collect(agent.followLog({ jobId }));
    const summary = (event: LogEvent): string => (event.type === 'log' ? `${event.stream}:${event.line}` : `exit:${event.status.exitCode}`);
    expect(lines(all).at(-1)).toBe('tail-no-newline');
    // Within a stream the order is exact; between stdout and stderr it follows the timeline.
    const byStream = (events: LogEvent[]): Record<string, string[]> => Object.groupBy(events.map(summary), (entry) => entry.split(':')[0] as string) as Record<string, string[]>;
    for (let index = 0; index < all.length; index += 5) {
      const rest = await collect(agent.followLog({ cursor: (all[index] as LogEvent).cursor }));
      expect(byStream(rest)).toEqual(byStream(all.slice(index + 1)));
      expect(rest.at(-1)?.type).toBe('exit');
    }
    expect(await collect(agent.followLog({ cursor: (all.at(-1) as LogEvent).cursor }))).toEqual([]);
  });

  it('shows a line still being written, then the rest of it', async () => {
    const { jobId } = await agent.startJob({ argv: ['sh', '-c', 'printf "loading"; sleep 1; printf " done\\n"'] });
    const events = (await collect(agent.followLog({ jobId }))).filter((event): event is LogLineEvent => event.type === 'log');
    expect(events.map((event) => [event.line, event.continued ?? false])).toEqual([['loading', true], [' done', false]]);
  });

  it('cancels a job and its children', async () => {
    const { jobId } = await agent.startJob({ argv: ['sh', '-c', 'sleep 300 & sleep 300; wait'] });
    const status = await agent.cancel(jobId, { graceMs: 1000 });
    expect(status).toMatchObject({ state: 'cancelled', reason: 'cancelled' });
  });

  it('gives NOT_FOUND for an unknown job and INVALID_INPUT for a bad cursor', async () => {
    await expect(agent.jobStatus('20260101T000000Z-nope-000000')).rejects.toSatisfy((error: unknown) => RunctlError.hasCode(error, 'NOT_FOUND'));
    await expect(collect(agent.followLog({ cursor: 'garbage' }))).rejects.toSatisfy((error: unknown) => RunctlError.hasCode(error, 'INVALID_INPUT'));
  });
});
