import { keyIdentity } from '@runctl/agent';
import type { RunpodHttp } from './runpod-http.ts';

/**
 * Makes sure `publicKey` is among the account's SSH keys, which RunPod puts
 * into every pod created with `startSsh` (as `PUBLIC_KEY`). `PUT` replaces
 * the whole list, so it sends what `GET` returned plus ours, in the same
 * order, and is skipped when the key is already there. Keys compare by type
 * and body, ignoring comments.
 */
export async function ensureSshKeyRegistered(http: RunpodHttp, publicKey: string, signal?: AbortSignal): Promise<'present' | 'added'> {
  const current = (await http.json<{ keys?: string[] }>({ method: 'GET', path: '/account/ssh-keys', signal }))?.keys ?? [];
  const ours = keyIdentity(publicKey);
  if (current.some((key) => keyIdentity(key) === ours)) return 'present';
  await http.json({ method: 'PUT', path: '/account/ssh-keys', json: { keys: [...current, publicKey.trim()] }, signal });
  return 'added';
}
