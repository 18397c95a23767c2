import { loadConfiguredKeyPair } from './load-configured-key-pair.ts';
import { loadOrCreateKeyPair } from './load-or-create-key-pair.ts';
import type { SshKeyPair } from './ssh-key-pair.ts';

/** A provider's SSH key settings: a configured key, or the key runctl generates. */
export interface SshKeyPairSource {
  /** Provider name, for errors. */
  provider: string;
  /** The configured private key (its text, or its file's path); `undefined` for the generated key. */
  privateKey: string | undefined;
  /** The configured public key line, if given. */
  publicKey?: string | undefined;
  /** Folder of the generated key (created with mode 0700). */
  keyDir: string;
  /** File name of the generated key in `keyDir`, e.g. `runpod_ed25519`. */
  keyName: string;
  /** Comment written into a newly generated key. */
  comment: string;
  /** The settings fields behind `privateKey`, `publicKey` and `keyDir`, named in errors. */
  fields: { privateKey: string; publicKey: string; keyDir: string };
}

/**
 * The configured key pair, or the one generated once in `keyDir` (ed25519,
 * mode 0600, safe when processes start at once). The private key is
 * registered as a secret; bad settings fail with an `InvalidInputError`
 * naming the field.
 */
export function loadSshKeyPair(source: SshKeyPairSource): Promise<SshKeyPair> {
  const { provider, fields } = source;
  return source.privateKey === undefined
    ? loadOrCreateKeyPair({ provider, keyDir: source.keyDir, keyName: source.keyName, comment: source.comment, field: fields.keyDir })
    : loadConfiguredKeyPair({ provider, privateKey: source.privateKey, publicKey: source.publicKey, fields });
}
