import { afterAll } from 'vitest';
import { describeProviderConformance } from '@runctl/core/testing';
import { createTempDir, startSshd, type LoopbackSshd, type TempDir } from '@runctl/test-utils';
import { createSsh } from './ssh-provider.ts';

let sshd: LoopbackSshd | undefined;
let scratch: TempDir | undefined;
afterAll(async () => {
  await sshd?.close();
  await scratch?.remove();
});

describeProviderConformance(
  'ssh',
  async () => {
    sshd = await startSshd();
    scratch = await createTempDir('ssh-conformance');
    const { host, port, user } = sshd;
    // The suite keeps several resources alive at once; one host holds one resource.
    const hosts = Array.from({ length: 6 }, (_, index) => ({ name: `box-${index}`, host, port, user, privateKey: sshd?.userKey.path as string, instanceType: 'loopback', costPerHour: 0.25 }));
    return createSsh({ hosts, knownHosts: sshd.knownHostsPath, workspaceRoot: `${scratch.path}/workspaces` });
  },
  { instanceType: 'loopback' },
);
