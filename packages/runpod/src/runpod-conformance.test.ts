import { describeProviderConformance } from '@runctl/core/testing';
import { startSshd, type LoopbackSshd } from '@runctl/test-utils';
import { startRunpodHarness, type RunpodHarness } from './test-fixtures/runpod-harness.ts';

// The fake RunPod API for the control plane; every pod's ssh.direct is a real
// OpenSSH server on 127.0.0.1, so train, monitor and download run for real.
let sshd: LoopbackSshd | undefined;
let harness: RunpodHarness | undefined;

describeProviderConformance(
  'runpod',
  async () => {
    sshd = await startSshd();
    harness = await startRunpodHarness({ sshd });
    return harness.provider;
  },
  {
    instanceType: 'RTX4090',
    cleanup: async () => {
      await harness?.close();
      await sshd?.close();
    },
  },
);
