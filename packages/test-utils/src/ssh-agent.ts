import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { signalQuietly } from './process-tree.ts';
import { runTool } from './run-tool.ts';
import type { SshKeyPair } from './ssh-keys.ts';
import { createTempDir } from './temp-dir.ts';
import { existsSync } from 'node:fs';

/** A private OpenSSH `ssh-agent` for one test file. */
export interface TestSshAgent {
  /** Value for `SSH_AUTH_SOCK`. */
  readonly socket: string;
  /** Loads a key into the agent (`ssh-add`), unlocking it with its passphrase if it has one. */
  addKey(key: SshKeyPair): Promise<void>;
  close(): Promise<void>;
}

/** Starts `ssh-agent -D` on a socket in a temp folder (never touches the user's own agent). */
export async function startSshAgent(): Promise<TestSshAgent> {
  const temp = await createTempDir('ssh-agent');
  const socket = join(temp.path, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => child.once('error', reject));
  failed.catch(() => {});
  for (let waited = 0; !existsSync(socket); waited += 20) {
    if (waited > 5_000) throw new Error('ssh-agent did not create its socket within 5s');
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 20)), failed]);
  }
  const env = { ...process.env, SSH_AUTH_SOCK: socket, SSH_ASKPASS_REQUIRE: 'never' };
  return {
    socket,
    async addKey(key) {
      if (key.passphrase === undefined) {
        await runTool('ssh-add', ['-q', key.path], { env });
        return;
      }
      // ssh-add asks for passphrases on a terminal only; decrypt to a temp copy instead.
      const copy = join(temp.path, `unlocked-${Date.now()}`);
      await runTool('cp', [key.path, copy]);
      await runTool('ssh-keygen', ['-q', '-p', '-P', key.passphrase, '-N', '', '-f', copy]);
      await runTool('ssh-add', ['-q', copy], { env });
    },
    async close() {
      if (child.pid !== undefined) signalQuietly(child.pid, 'SIGTERM');
      await temp.remove();
    },
  };
}
