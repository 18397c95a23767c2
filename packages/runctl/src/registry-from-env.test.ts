import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryFromEnv } from './registry-from-env.ts';

describe('createRegistryFromEnv', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'runctl-env-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('always has local, and says why the others are missing', () => {
    const registry = createRegistryFromEnv({ env: { HOME: home } });
    expect(registry.names()).toEqual(['local']);
    const reasons = Object.fromEntries(registry.availability.map((entry) => [entry.provider, entry.reason]));
    expect(reasons.runpod).toContain('RUNPOD_API_KEY');
    expect(reasons.lyceum).toContain('LYCEUM_API_KEY');
    expect(reasons.ssh).toContain('hosts.json');
    expect(reasons.aws).toContain('no AWS credentials');
  });

  it('registers aws when the credential chain has something to find, without resolving it', () => {
    const registry = createRegistryFromEnv({ env: { HOME: home, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-example', AWS_REGION: 'us-east-1', RUNCTL_AWS_BUCKET: 'my-bucket' } });
    expect(registry.has('aws')).toBe(true);
    const reason = registry.availability.find((entry) => entry.provider === 'aws')?.reason ?? '';
    expect(reason).toBe('credentials from AWS_ACCESS_KEY_ID is set (RUNCTL_AWS_BUCKET=my-bucket)');
    expect(reason).not.toContain('secret-example');
    expect(createRegistryFromEnv({ env: { HOME: home, AWS_PROFILE: 'ml' } }).has('aws')).toBe(true);
    expect(createRegistryFromEnv({ env: { HOME: home, RUNCTL_AWS: '1' } }).has('aws')).toBe(true);
  });

  it('registers providers whose credentials are present, without reading or using them', () => {
    const registry = createRegistryFromEnv({ env: { HOME: home, RUNPOD_API_KEY: 'rp_x', LYCEUM_API_KEY: 'lk_x' } });
    expect(registry.names()).toEqual(['local', 'runpod', 'lyceum']);
    expect(registry.availability.filter((entry) => entry.available).map((entry) => entry.provider)).toEqual(['local', 'runpod', 'lyceum']);
  });

  it('takes RunPod and Lyceum endpoints and machine settings from the environment, naming a bad one', () => {
    const registry = createRegistryFromEnv({
      env: {
        HOME: home,
        RUNPOD_API_KEY: 'rp_x',
        RUNPOD_BASE_URL: 'https://user:hunter2@proxy.example/runpod/v2',
        RUNCTL_RUNPOD_WORKSPACE: '/data/runctl',
        LYCEUM_API_KEY: 'lk_x',
        LYCEUM_BASE_URL: 'https://eu.lyceum.example/api/v2/external',
        RUNCTL_LYCEUM_SSH_USER: 'ubuntu',
      },
    });
    expect(registry.names()).toEqual(['local', 'runpod', 'lyceum']);
    const reasons = Object.fromEntries(registry.availability.map((entry) => [entry.provider, entry.reason]));
    // A proxy's credentials are never printed.
    expect(reasons.runpod).toBe('RUNPOD_API_KEY is set (RUNPOD_BASE_URL=https://proxy.example/runpod/v2, RUNCTL_RUNPOD_WORKSPACE=/data/runctl)');
    expect(reasons.lyceum).toBe('LYCEUM_API_KEY is set (LYCEUM_BASE_URL=https://eu.lyceum.example/api/v2/external, RUNCTL_LYCEUM_SSH_USER=ubuntu)');

    const broken = createRegistryFromEnv({ env: { HOME: home, RUNPOD_API_KEY: 'rp_x', RUNPOD_BASE_URL: 'api.runpod.io', LYCEUM_API_KEY: 'lk_x', RUNCTL_LYCEUM_WORKSPACE: 'runctl' } });
    expect(broken.names()).toEqual(['local']);
    expect(broken.availability.find((entry) => entry.provider === 'runpod')?.reason).toBe('misconfigured: Invalid RUNPOD_BASE_URL: must be an http(s) URL');
    expect(broken.availability.find((entry) => entry.provider === 'lyceum')?.reason).toBe('misconfigured: Invalid RUNCTL_LYCEUM_WORKSPACE: must be an absolute path');
    // Blank is unset, as container platforms pass a missing secret.
    expect(createRegistryFromEnv({ env: { HOME: home, RUNPOD_API_KEY: ' ', LYCEUM_API_KEY: '' } }).names()).toEqual(['local']);
  });

  it('reads SSH hosts from ~/.config/runctl/hosts.json or RUNCTL_SSH_HOSTS, and reports bad config', async () => {
    await mkdir(join(home, '.config', 'runctl'), { recursive: true });
    await writeFile(join(home, '.config', 'runctl', 'hosts.json'), JSON.stringify({ hosts: [{ name: 'box', host: '10.0.0.2', user: 'me', privateKey: '~/.ssh/id_ed25519' }] }));
    expect(createRegistryFromEnv({ env: { HOME: home } }).availability.find((entry) => entry.provider === 'ssh')).toMatchObject({ available: true, reason: expect.stringContaining('1 host(s)') });
    const inline = createRegistryFromEnv({ env: { HOME: home, RUNCTL_SSH_HOSTS: '[{"name":"a","host":"h","user":"u","agent":true},{"name":"b","host":"h2","user":"u","agent":true}]' } });
    expect(inline.availability.find((entry) => entry.provider === 'ssh')?.reason).toBe('2 host(s) from RUNCTL_SSH_HOSTS');
    const broken = createRegistryFromEnv({ env: { HOME: home, RUNCTL_SSH_HOSTS: '[{"oops"' } });
    expect(broken.has('ssh')).toBe(false);
    expect(broken.availability.find((entry) => entry.provider === 'ssh')?.reason).toMatch(/^misconfigured: /);
  });
});
