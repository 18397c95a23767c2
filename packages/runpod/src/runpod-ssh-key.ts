import { loadSshKeyPair, type SshKeyPair } from '@runctl/agent';
import type { RunpodSshKeySettings } from './runpod-settings.ts';

/** The key runctl logs in to pods with; `publicKey` is registered with the RunPod account. */
export interface SshIdentity extends SshKeyPair {
  /** Passphrase of an encrypted configured key. */
  passphrase?: string;
}

/** File name of the generated key inside `keyDir`. */
export const GENERATED_KEY_NAME = 'runpod_ed25519';

/** Loads `settings.sshKey` (text or path), or the key runctl generated in `keyDir`, generating it on first use. */
export async function loadSshIdentity(sshKey: RunpodSshKeySettings | undefined, keyDir: string, provider: string): Promise<SshIdentity> {
  const pair = await loadSshKeyPair({
    provider,
    privateKey: sshKey?.privateKey,
    publicKey: sshKey?.publicKey,
    keyDir,
    keyName: GENERATED_KEY_NAME,
    comment: 'runctl-runpod',
    fields: { privateKey: 'settings.sshKey.privateKey', publicKey: 'settings.sshKey.publicKey', keyDir: 'settings.keyDir' },
  });
  return sshKey?.passphrase === undefined ? pair : { ...pair, passphrase: sshKey.passphrase };
}
