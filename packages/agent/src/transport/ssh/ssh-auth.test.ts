import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunctlError } from '@runctl/core';
import { startSshAgent, startSshd, type LoopbackSshd, type SshKeyPair, type TestSshAgent } from '@runctl/test-utils';
import { createSshTransport } from './ssh-transport.ts';
import type { SshTransportOptions } from './ssh-transport-options.ts';

describe('ssh transport authentication', () => {
  let sshd: LoopbackSshd;
  let locked: SshKeyPair;
  let agent: TestSshAgent;
  beforeAll(async () => {
    sshd = await startSshd();
    locked = await sshd.createUserKey('locked', { passphrase: 'open sesame 42' });
    agent = await startSshAgent();
  });
  afterAll(async () => {
    await agent.close();
    await sshd.close();
  });

  const whoami = async (auth: Partial<SshTransportOptions>): Promise<string> => {
    const transport = createSshTransport({ host: sshd.host, port: sshd.port, username: sshd.user, knownHosts: sshd.knownHostsPath, ...auth });
    try {
      return (await transport.exec(['id', '-un'])).stdout.toString('utf8').trim();
    } finally {
      await transport.close();
    }
  };
  const failure = (auth: Partial<SshTransportOptions>): Promise<RunctlError> => whoami(auth).then(() => expect.unreachable() as never, (error: unknown) => error as RunctlError);

  it('logs in with a key given as text or as a path', async () => {
    expect(await whoami({ privateKey: sshd.userKey.privateKey })).toBe(sshd.user);
    expect(await whoami({ privateKey: sshd.userKey.path })).toBe(sshd.user);
  });

  it('logs in with a passphrase-protected key, and says clearly when the passphrase is wrong or missing', async () => {
    expect(await whoami({ privateKey: locked.path, passphrase: 'open sesame 42' })).toBe(sshd.user);
    const wrong = await failure({ privateKey: locked.path, passphrase: 'not it' });
    expect(wrong.code).toBe('AUTH');
    expect(wrong.message).toContain('the passphrase does not open it');
    expect(wrong.message).toContain(locked.path);
    const missing = await failure({ privateKey: locked.privateKey });
    expect(missing.code).toBe('AUTH');
    expect(missing.message).toContain('no passphrase was given');
    expect(missing.message).not.toContain('PRIVATE KEY');
  });

  it('logs in through ssh-agent, by socket path or $SSH_AUTH_SOCK', async () => {
    await agent.addKey(locked);
    expect(await whoami({ agent: agent.socket })).toBe(sshd.user);
    const saved = process.env.SSH_AUTH_SOCK;
    process.env.SSH_AUTH_SOCK = agent.socket;
    try {
      expect(await whoami({ agent: true })).toBe(sshd.user);
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
    }
  });

  it('fails with AUTH, not retryable, for a key the host does not accept', async () => {
    const stranger = await sshd.createUserKey('stranger', { authorize: false });
    const error = await failure({ privateKey: stranger.privateKey });
    expect(error.code).toBe('AUTH');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`ssh ${sshd.user}@127.0.0.1:${sshd.port}`);
  });

  it('validates its options, naming the field', () => {
    const base = { host: sshd.host, username: sshd.user, privateKey: sshd.userKey.path };
    const fieldOf = (options: unknown): string | undefined => {
      try {
        createSshTransport(options as SshTransportOptions);
        return undefined;
      } catch (error) {
        return (error as { field?: string }).field;
      }
    };
    expect(fieldOf({ ...base, port: 70_000 })).toBe('options.port');
    expect(fieldOf({ ...base, hostKeyPolicy: 'yolo' })).toBe('options.hostKeyPolicy');
    expect(fieldOf({ ...base, connectTimeout: 'soon' })).toBe('options.connectTimeout');
    expect(fieldOf({ ...base, envPrefix: ['ok', 'bad\0'] })).toBe('options.envPrefix[1]');
    expect(fieldOf({ ...base, reconnect: { retries: -1 } })).toBe('options.reconnect.retries');
    expect(fieldOf({ ...base, privateKey: undefined })).toBe('options.privateKey');
    expect(fieldOf({ ...base, bogus: 1 })).toBe('options');
    expect(fieldOf({ ...base, host: 'user@host' })).toBe('options.host');
  });
});
