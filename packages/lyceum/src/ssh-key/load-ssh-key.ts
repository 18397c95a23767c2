import { randomBytes } from 'node:crypto';
import { loadSshKeyPair, type SshKeyPair } from '@runctl/agent';

/** Where the key comes from. */
export interface SshKeySource {
  provider: string;
  /** Private key text or path, from settings. */
  privateKey: string | undefined;
  /** Public key line, from settings. */
  publicKey: string | undefined;
  /** Folder of the generated key. */
  keyDir: string;
}

/** File name of the key runctl generates for Lyceum. */
export const GENERATED_KEY_NAME = 'lyceum_ed25519';

/** The SSH key pair VMs are created with: the one in settings (text or path), or the one generated once in `keyDir`. */
export function loadSshKey(source: SshKeySource): Promise<SshKeyPair> {
  return loadSshKeyPair({
    ...source,
    keyName: GENERATED_KEY_NAME,
    // The suffix tells this machine's key from others' in the account.
    comment: `runctl-lyceum@${randomBytes(3).toString('hex')}`,
    fields: { privateKey: 'settings.sshPrivateKey', publicKey: 'settings.sshPublicKey', keyDir: 'settings.sshKeyDir' },
  });
}
