import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RunctlError, type LogEvent } from '@runctl/core';
import { AgentClient, createSshTransport, type SshTransportOptions, type Transport } from '@runctl/agent';
import { startSshd, type LoopbackSshd } from '@runctl/test-utils';
import { loadSshKey } from '../ssh-key/load-ssh-key.ts';
import { startLyceumHarness, type LyceumHarness } from '../test-harness.ts';
import type { FakeLyceumOptions } from '../testing/index.ts';

let sshd: LoopbackSshd;
let harness: LyceumHarness | undefined;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(() => sshd.close());
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Lifetime commands seen; they are answered here and never run (they would power off this machine). */
let lifetimeCalls: string[][] = [];
let lifetimeExitCode = 0;
const interceptLifetime = (options: SshTransportOptions): Transport => {
  const inner = createSshTransport(options);
  return {
    ...inner,
    exec: async (argv, execOptions) => {
      if (argv[3] === 'runctl-lifetime') {
        lifetimeCalls.push([...argv]);
        return { exitCode: lifetimeExitCode, stdout: Buffer.alloc(0), stderr: Buffer.from(lifetimeExitCode === 0 ? '' : 'runctl: cannot schedule a power-off') };
      }
      return inner.exec(argv, execOptions);
    },
  };
};

async function start(fake: FakeLyceumOptions = {}): Promise<LyceumHarness> {
  lifetimeCalls = [];
  lifetimeExitCode = 0;
  const started = await startLyceumHarness({
    fake: { sshEndpoint: { host: sshd.host, port: sshd.port }, ...fake },
    settings: { sshUser: sshd.user, killGrace: '1s' },
    internal: { transportFactory: interceptLifetime },
  });
  const { publicKey } = await loadSshKey({ provider: 'lyceum', privateKey: undefined, publicKey: undefined, keyDir: started.settings.sshKeyDir as string });
  await sshd.authorize(publicKey);
  return started;
}

async function collect(events: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const result: LogEvent[] = [];
  for await (const event of events) result.push(event);
  return result;
}
const errorOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

describe('Lyceum VM data plane over SSH', () => {
  it('waits out a ready VM without an IP, then runs the job over SSH with a host key pinned per VM', async () => {
    harness = await start({ ipDelayMs: 300 });
    const { id } = await harness.provider.createResource('cpu');
    const job = await harness.provider.train(id, { command: ['sh', '-c', 'echo "user=$(id -un)"'] });
    const events = await collect(harness.provider.monitor(id, { jobId: job.jobId }));
    expect(events.find((event) => event.type === 'log')).toMatchObject({ line: `user=${sshd.user}` });
    expect(await readdir(harness.settings.knownHostsDir as string)).toEqual([`${id}.known_hosts`]);
    await harness.provider.terminate(id);
    expect(await readdir(harness.settings.knownHostsDir as string)).toEqual([]);
  });

  it('arms the maxLifetime power-off through the agent before the first job', async () => {
    harness = await start();
    const { id, expiresAt } = await harness.provider.createResource('a100', { maxLifetime: '2h' });
    for (let run = 0; run < 2; run++) {
      const job = await harness.provider.train(id, { command: ['true'] });
      expect((await collect(harness.provider.monitor(id, { jobId: job.jobId }))).at(-1)).toMatchObject({ type: 'exit', status: { state: 'succeeded' } });
    }
    expect(lifetimeCalls).toHaveLength(1); // once per VM and process
    const [argv] = lifetimeCalls;
    expect(argv?.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv?.[2]).toContain('lifetime "$2"');
    expect(argv?.[4]).toMatch(/\/\.runctl\/agent-[0-9a-f]+\.sh$/);
    const minutes = Number(argv?.[5]);
    expect(minutes).toBeGreaterThanOrEqual(118);
    expect(minutes).toBeLessThanOrEqual(120);
    expect(expiresAt).toBeInstanceOf(Date);
  });

  it('refuses to start work when the power-off cannot be armed, or the VM is past its lifetime', async () => {
    harness = await start();
    lifetimeExitCode = 3;
    const { id } = await harness.provider.createResource('a100', { maxLifetime: '1h' });
    const error = await errorOf(harness.provider.train(id, { command: ['true'] }));
    expect(RunctlError.hasCode(error, 'PROVIDER')).toBe(true);
    expect((error as RunctlError).message).toMatch(/maxLifetime power-off/);
    expect((error as RunctlError).hint).toMatch(/sudo/);

    const short = await harness.provider.createResource('a100', { maxLifetime: '1s' });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(RunctlError.hasCode(await errorOf(harness.provider.train(short.id, { command: ['true'] })), 'INVALID_STATE')).toBe(true);
  });

  it('ends a monitor with resource-lost when the VM is deleted under it', async () => {
    harness = await start();
    const { id } = await harness.provider.createResource('cpu');
    const job = await harness.provider.train(id, { command: ['sh', '-c', 'while true; do echo tick; sleep 0.1; done'] });
    const events: LogEvent[] = [];
    for await (const event of harness.provider.monitor(id, { jobId: job.jobId })) {
      events.push(event);
      if (events.length === 2) {
        harness.fake.deleteVm(id);
        await sshd.killSessions();
      }
    }
    expect(events.at(-1)).toMatchObject({ type: 'exit', status: { reason: 'resource-lost' } });
    // The loopback "VM" outlives its deletion; stop the job it left behind.
    const transport = createSshTransport({ host: sshd.host, port: sshd.port, username: sshd.user, privateKey: sshd.userKey.privateKey, knownHosts: sshd.knownHostsPath });
    const agent = new AgentClient({ transport, workspace: join(harness.scratch, 'workspace') });
    expect(await agent.cancel(job.jobId, { graceMs: 1_000 })).toMatchObject({ state: 'cancelled' });
    await transport.close();
  });
});
