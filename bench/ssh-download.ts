// SFTP download of a 1 GiB file from a loopback sshd: runctl's SSH transport
// (fresh connection each time) vs OpenSSH's own `sftp` and `scp` on the same
// file in the same run. runctl runs twice: with its default checks (size and
// mtime; SHA-256 only for resumed downloads) and with verifyDownloads
// 'always' (SHA-256 of the whole file on both ends, which on loopback shares
// the same two cores as the transfer).
// Run: node --conditions=@runctl/source bench/ssh-download.ts [MiB] [rounds]
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createSshTransport } from '@runctl/agent';
import { startSshd, type LoopbackSshd } from '@runctl/test-utils';
import { median, row, withScratch } from './bench-utils.ts';

const MIB = Number(process.argv[2] ?? 1024);
const ROUNDS = Number(process.argv[3] ?? 3);

async function writeBigFile(path: string, bytes: number): Promise<void> {
  const block = randomBytes(16 << 20);
  const file = await open(path, 'w');
  try {
    for (let written = 0; written < bytes; written += block.length) await file.write(block, 0, Math.min(block.length, bytes - written));
  } finally {
    await file.close();
  }
}

function openssh(sshd: LoopbackSshd, tool: 'sftp' | 'scp', remote: string, local: string): number {
  const started = performance.now();
  const result = spawnSync(tool, ['-q', '-P', String(sshd.port), '-i', sshd.userKey.path, '-o', `UserKnownHostsFile=${sshd.knownHostsPath}`, '-o', 'BatchMode=yes', `${sshd.user}@${sshd.host}:${remote}`, local], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr.toString()}`);
  return performance.now() - started;
}

export async function run(): Promise<string[]> {
  return withScratch(async (dir) => {
    const sshd = await startSshd();
    try {
      const bytes = MIB << 20;
      const remote = join(dir, 'remote.bin');
      await writeBigFile(remote, bytes);
      await readFile(remote).catch(() => undefined); // warm the page cache (ignored if too big for a Buffer)
      const times: Record<'sftp' | 'scp' | 'resumed' | 'always', number[]> = { sftp: [], scp: [], resumed: [], always: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const tool of ['sftp', 'scp'] as const) {
          const local = join(dir, `${tool}.bin`);
          times[tool].push(openssh(sshd, tool, remote, local));
          await rm(local);
        }
        for (const verifyDownloads of ['resumed', 'always'] as const) {
          const local = join(dir, 'runctl.bin');
          const started = performance.now();
          const transport = createSshTransport({ host: sshd.host, port: sshd.port, username: sshd.user, privateKey: sshd.userKey.path, knownHosts: sshd.knownHostsPath, verifyDownloads });
          await transport.download(remote, local);
          times[verifyDownloads].push(performance.now() - started);
          await transport.close();
          if ((await stat(local)).size !== bytes) throw new Error('runctl downloaded the wrong size');
          await rm(local);
        }
      }
      const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s (${Math.round(bytes / (1 << 20) / (ms / 1000))} MiB/s)`;
      const [sftp, scp, ours, checked] = [median(times.sftp), median(times.scp), median(times.resumed), median(times.always)];
      return [
        row([`ssh download ${MIB} MiB, loopback sshd (median of ${ROUNDS})`, `sftp ${seconds(sftp)}; scp ${seconds(scp)}`, `runctl ${seconds(ours)}`, `${(sftp / ours).toFixed(2)}× sftp, ${(scp / ours).toFixed(2)}× scp`, '≥ 0.8×']),
        row([`ssh download ${MIB} MiB, SHA-256 on both ends (verifyDownloads: 'always')`, `sftp ${seconds(sftp)}; scp ${seconds(scp)}`, `runctl ${seconds(checked)}`, `${(sftp / checked).toFixed(2)}× sftp, ${(scp / checked).toFixed(2)}× scp`, '—']),
      ];
    } finally {
      await sshd.close();
    }
  });
}

if (import.meta.main) for (const line of await run()) console.log(line);
