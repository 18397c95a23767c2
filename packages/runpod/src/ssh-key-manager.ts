import type { RunpodHttp } from './runpod-http.ts';
import { raceSignal } from './pod-reader.ts';
import { ensureSshKeyRegistered } from './register-ssh-key.ts';
import type { ResolvedRunpodSettings } from './runpod-settings.ts';
import { loadSshIdentity, type SshIdentity } from './runpod-ssh-key.ts';

/** The provider's SSH key: loaded (or generated) once, registered with the account once. */
export interface SshKeyManager {
  identity(): Promise<SshIdentity>;
  /** Registers the public key before the first create; later calls reuse the answer. */
  ensureRegistered(signal?: AbortSignal): Promise<void>;
}

/** Memoizes both steps per provider instance; a failure is forgotten so the next call tries again. */
export function createSshKeyManager(http: RunpodHttp, settings: ResolvedRunpodSettings): SshKeyManager {
  let identity: Promise<SshIdentity> | undefined;
  let registered: Promise<void> | undefined;
  const forgetOnFailure = <T>(promise: Promise<T>, forget: () => void): Promise<T> =>
    promise.catch((error: unknown) => {
      forget();
      throw error;
    });
  const manager: SshKeyManager = {
    identity: () =>
      (identity ??= forgetOnFailure(loadSshIdentity(settings.sshKey, settings.keyDir, settings.name), () => {
        identity = undefined;
      })),
    ensureRegistered(signal) {
      registered ??= forgetOnFailure(
        manager.identity().then(async (key) => void (await ensureSshKeyRegistered(http, key.publicKey))),
        () => {
          registered = undefined;
        },
      );
      return raceSignal(registered, signal, settings.name);
    },
  };
  return manager;
}
