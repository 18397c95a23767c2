import { describeProviderConformance } from '@runctl/core/testing';
import { startSshd, type LoopbackSshd } from '@runctl/test-utils';
import { loadSshKey } from './ssh-key/load-ssh-key.ts';
import { startLyceumHarness, type LyceumHarness } from './test-harness.ts';

// VM mode end to end: the fake Lyceum API for the control plane, a real
// OpenSSH server on 127.0.0.1 as every VM, and the real job agent over SSH.
let sshd: LoopbackSshd | undefined;
let harness: LyceumHarness | undefined;

describeProviderConformance(
  'lyceum (VM mode)',
  async () => {
    sshd = await startSshd();
    harness = await startLyceumHarness({
      // host:port addresses, appearing a little after the VM is ready.
      fake: { sshEndpoint: { host: sshd.host, port: sshd.port, user: sshd.user }, vmPendingMs: 80, ipDelayMs: 60 },
      settings: { sshUser: sshd.user, killGrace: '2s' },
    });
    // The key the provider generates on first use; the "VM" (this sshd) must accept it.
    const { publicKey } = await loadSshKey({ provider: 'lyceum', privateKey: undefined, publicKey: undefined, keyDir: harness.settings.sshKeyDir as string });
    await sshd.authorize(publicKey);
    return harness.provider;
  },
  {
    instanceType: 'a100',
    timeout: 60_000,
    cleanup: async () => {
      await harness?.close();
      await sshd?.close();
    },
  },
);
