import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunctlError } from '@runctl/core';
import { createTempDir, generateSshKey, startSshd, type LoopbackSshd, type TempDir } from '@runctl/test-utils';
import { createSshTransport } from './ssh-transport.ts';
import type { SshTransportOptions } from './ssh-transport-options.ts';

describe('ssh transport host key checking', () => {
  let sshd: LoopbackSshd;
  let scratch: TempDir;
  beforeAll(async () => {
    sshd = await startSshd();
    scratch = await createTempDir('ssh-host-keys');
  });
  afterAll(async () => {
    await sshd.close();
    await scratch.remove();
  });

  const options = (knownHosts: string, extra: Partial<SshTransportOptions> = {}): SshTransportOptions => ({
    host: sshd.host,
    port: sshd.port,
    username: sshd.user,
    privateKey: sshd.userKey.privateKey,
    knownHosts,
    ...extra,
  });
  const acceptedLogins = (): number => sshd.logs().split('\n').filter((line) => line.startsWith('Accepted publickey')).length;

  /** Runs a command that would leave a marker file; returns the error and whether the marker appeared. */
  async function attempt(transportOptions: SshTransportOptions): Promise<{ error: unknown; ran: boolean }> {
    const marker = join(scratch.path, `marker-${Math.random().toString(36).slice(2)}`);
    const transport = createSshTransport(transportOptions);
    try {
      const error = await transport.exec(['touch', marker]).then(() => undefined, (reason: unknown) => reason);
      const ran = await access(marker).then(() => true, () => false);
      return { error, ran };
    } finally {
      await transport.close();
    }
  }

  it('refuses a changed host key with AUTH, before any command is sent', async () => {
    const impostor = await generateSshKey(join(scratch.path, 'impostor'));
    const knownHosts = join(scratch.path, 'known_hosts_wrong');
    await writeFile(knownHosts, `${sshd.knownHostsLine().split(' ')[0]} ${impostor.publicKey}\n`);
    const loginsBefore = acceptedLogins();
    const { error, ran } = await attempt(options(knownHosts));
    expect(RunctlError.hasCode(error, 'AUTH')).toBe(true);
    expect((error as RunctlError).retryable).toBe(false);
    expect((error as Error).message).toContain('expects a different key');
    expect((error as RunctlError).hint).toContain('ssh-keygen -R');
    expect(ran).toBe(false);
    // sshd never even saw a login attempt succeed.
    expect(acceptedLogins()).toBe(loginsBefore);
  });

  it('refuses an unknown host under the default strict policy', async () => {
    const { error, ran } = await attempt(options(join(scratch.path, 'empty_known_hosts')));
    expect(RunctlError.hasCode(error, 'AUTH')).toBe(true);
    expect((error as Error).message).toContain('is not in');
    expect(ran).toBe(false);
  });

  it('accepts hashed and wildcard-free plain entries', async () => {
    const hashed = join(scratch.path, 'known_hosts_hashed');
    await writeFile(hashed, `# managed by hand\n${sshd.knownHostsLine({ hashed: true })}\n`);
    expect((await attempt(options(hashed))).ran).toBe(true);
    expect((await attempt(options(sshd.knownHostsPath))).ran).toBe(true);
  });

  it('refuses a key marked @revoked even when it is also trusted', async () => {
    const revoked = join(scratch.path, 'known_hosts_revoked');
    await writeFile(revoked, `${sshd.knownHostsLine()}\n@revoked ${sshd.knownHostsLine()}\n`);
    const { error, ran } = await attempt(options(revoked));
    expect((error as Error).message).toContain('@revoked');
    expect(ran).toBe(false);
  });

  it('accept-new pins a new host, then stays strict when its key changes', async () => {
    const knownHosts = join(scratch.path, 'pinned', 'known_hosts');
    expect((await attempt(options(knownHosts, { hostKeyPolicy: 'accept-new' }))).ran).toBe(true);
    const pinned = await readFile(knownHosts, 'utf8');
    expect(pinned.trim()).toBe(sshd.knownHostsLine());
    expect((await attempt(options(knownHosts, { hostKeyPolicy: 'accept-new' }))).ran).toBe(true);
    expect(await readFile(knownHosts, 'utf8')).toBe(pinned);

    // The "host is reinstalled": another sshd with another host key on the same port.
    const port = sshd.port;
    await sshd.stop();
    const reinstalled = await startSshd({ port });
    try {
      const { error, ran } = await attempt({ ...options(knownHosts, { hostKeyPolicy: 'accept-new' }), privateKey: reinstalled.userKey.privateKey });
      expect(RunctlError.hasCode(error, 'AUTH')).toBe(true);
      expect((error as Error).message).toContain('expects a different key');
      expect(ran).toBe(false);
      expect(await readFile(knownHosts, 'utf8')).toBe(pinned);
    } finally {
      await reinstalled.close();
      await sshd.start();
    }
  });

  it('checks RSA host keys too, asking for the key type it knows', async () => {
    const rsaHost = await startSshd({ hostKeyType: 'rsa' });
    try {
      const { error, ran } = await attempt({ host: rsaHost.host, port: rsaHost.port, username: rsaHost.user, privateKey: rsaHost.userKey.privateKey, knownHosts: rsaHost.knownHostsPath });
      expect(error).toBeUndefined();
      expect(ran).toBe(true);
    } finally {
      await rsaHost.close();
    }
  });
});
