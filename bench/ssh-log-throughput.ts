// monitor() over SSH on a 1M-line job vs `ssh host cat <log>` of the same log
// (both from a fresh connection to a loopback sshd, both split into lines here).
// Also the live case: train + monitor vs `ssh host <program>`.
// Run: node --conditions=@runctl/source bench/ssh-log-throughput.ts [lines] [rounds]
import { join } from 'node:path';
import { createSsh } from '@runctl/ssh';
import { startSshd, type LoopbackSshd } from '@runctl/test-utils';
import { median, readPipe, row, withScratch } from './bench-utils.ts';

const LINES = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const PROGRAM = ['sh', '-c', `seq 1 ${LINES} | sed 's/^/step=/; s/$/ loss=0.123456 lr=0.0003/'`];

function sshArgv(sshd: LoopbackSshd, command: string): string[] {
  return ['ssh', '-p', String(sshd.port), '-i', sshd.userKey.path, '-o', `UserKnownHostsFile=${sshd.knownHostsPath}`, '-o', 'BatchMode=yes', `${sshd.user}@${sshd.host}`, command];
}

export async function run(): Promise<string[]> {
  return withScratch(async (dir) => {
    const sshd = await startSshd();
    try {
      const settings = {
        knownHosts: sshd.knownHostsPath,
        workspaceRoot: join(dir, 'workspaces'),
        hosts: [{ name: 'loopback', host: sshd.host, port: sshd.port, user: sshd.user, privateKey: sshd.userKey.path, instanceType: 'loopback' }],
      };
      const setup = createSsh(settings);
      const resource = await setup.createResource('loopback');
      const finished = await setup.train(resource.id, { command: PROGRAM });
      for await (const event of setup.monitor(resource.id, { jobId: finished.jobId })) void event;
      const log = join(dir, 'workspaces', resource.id, '.runctl', 'jobs', finished.jobId, 'stdout');

      const replay = { cat: [] as number[], monitor: [] as number[] };
      const live = { ssh: [] as number[], monitor: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        const cat = await readPipe(sshArgv(sshd, `cat '${log}'`));
        if (cat.lines !== LINES) throw new Error(`ssh cat read ${cat.lines} lines`);
        replay.cat.push(cat.ms);

        // A fresh provider: its first call connects, as `ssh` does.
        let started = performance.now();
        const fresh = createSsh(settings);
        let lines = 0;
        for await (const event of fresh.monitor(resource.id, { jobId: finished.jobId })) if (event.type === 'log') lines++;
        if (lines !== LINES) throw new Error(`monitor read ${lines} lines`);
        replay.monitor.push(performance.now() - started);

        const direct = await readPipe(sshArgv(sshd, PROGRAM.map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(' ')));
        if (direct.lines !== LINES) throw new Error(`ssh program read ${direct.lines} lines`);
        live.ssh.push(direct.ms);

        started = performance.now();
        const job = await fresh.train(resource.id, { command: PROGRAM });
        lines = 0;
        for await (const event of fresh.monitor(resource.id, { jobId: job.jobId })) if (event.type === 'log') lines++;
        if (lines !== LINES) throw new Error(`live monitor read ${lines} lines`);
        live.monitor.push(performance.now() - started);
      }
      await setup.terminate(resource.id);

      const rate = (ms: number): string => `${(ms / 1000).toFixed(2)} s (${Math.round(LINES / (ms / 1000)).toLocaleString('en')} lines/s)`;
      const [cat, ours, direct, oursLive] = [median(replay.cat), median(replay.monitor), median(live.ssh), median(live.monitor)];
      return [
        row([`ssh log throughput, ${LINES.toLocaleString('en')}-line log of a finished job (median of ${ROUNDS})`, `ssh host cat <log>: ${rate(cat)}`, `monitor: ${rate(ours)}`, `${(cat / ours).toFixed(2)}×`, '≥ 0.5×']),
        row([`ssh log throughput, live ${LINES.toLocaleString('en')}-line job`, `ssh host <program>: ${rate(direct)}`, `train + monitor: ${rate(oursLive)}`, `${(direct / oursLive).toFixed(2)}×`, '≥ 0.5×']),
      ];
    } finally {
      await sshd.close();
    }
  });
}

if (import.meta.main) for (const line of await run()) console.log(line);
