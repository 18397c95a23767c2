import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, startSshd, type LoopbackSshd, type TempDir } from '@runctl/test-utils';
import { createSshTransport } from './ssh-transport.ts';

describe('ssh transport on a server that allows few sessions per connection', () => {
  let sshd: LoopbackSshd;
  let scratch: TempDir;
  beforeAll(async () => {
    // Hardened servers lower MaxSessions; the transport must queue rather than fail.
    sshd = await startSshd({ config: ['MaxSessions 3'] });
    scratch = await createTempDir('ssh-limits');
  });
  afterAll(async () => {
    await sshd.close();
    await scratch.remove();
  });

  it('learns the limit and queues commands and transfers instead of failing', async () => {
    const transport = createSshTransport({ host: sshd.host, port: sshd.port, username: sshd.user, privateKey: sshd.userKey.path, knownHosts: sshd.knownHostsPath });
    try {
      const big = randomBytes(24 << 20);
      await writeFile(join(scratch.path, 'big.bin'), big);
      await mkdir(join(scratch.path, 'tree'));
      for (let index = 0; index < 6; index++) await writeFile(join(scratch.path, 'tree', `f${index}`), randomBytes(100_000));
      const [commands, file, tree] = await Promise.all([
        Promise.all(Array.from({ length: 10 }, (_, index) => transport.exec(['sh', '-c', 'sleep 0.2; echo "$1"', 'sh', String(index)]))),
        transport.download(join(scratch.path, 'big.bin'), join(scratch.path, 'big-copy.bin')),
        transport.download(join(scratch.path, 'tree'), join(scratch.path, 'tree-copy')),
      ]);
      expect(commands.map((result) => result.stdout.toString().trim())).toEqual(Array.from({ length: 10 }, (_, index) => String(index)));
      expect(file.bytes).toBe(big.length);
      expect((await readFile(join(scratch.path, 'big-copy.bin'))).equals(big)).toBe(true);
      expect(tree.files).toBe(6);
    } finally {
      await transport.close();
    }
  });

  it('waits for a session slot when the SFTP channel itself is refused', async () => {
    const transport = createSshTransport({ host: sshd.host, port: sshd.port, username: sshd.user, privateKey: sshd.userKey.path, knownHosts: sshd.knownHostsPath });
    try {
      await writeFile(join(scratch.path, 'small.txt'), 'checkpoint\n');
      // Three commands take every session, so the first SFTP channel is refused until one ends.
      const commands = Array.from({ length: 3 }, () => transport.exec(['sleep', '1']));
      await new Promise((resolve) => setTimeout(resolve, 400));
      const started = Date.now();
      const download = await transport.download(join(scratch.path, 'small.txt'), join(scratch.path, 'small-copy.txt'));
      expect(download.bytes).toBe(11);
      expect(Date.now() - started).toBeGreaterThan(200);
      expect(await readFile(join(scratch.path, 'small-copy.txt'), 'utf8')).toBe('checkpoint\n');
      expect((await Promise.all(commands)).map((result) => result.exitCode)).toEqual([0, 0, 0]);
    } finally {
      await transport.close();
    }
  });
});
