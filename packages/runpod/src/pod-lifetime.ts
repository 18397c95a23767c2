import { RunctlError } from '@runctl/core';
import type { Transport } from '@runctl/agent';

// maxLifetime on RunPod: RunPod has no server-side TTL, so a watchdog inside
// the pod ends it. Both scripts are fixed text; every value is an argument.

/**
 * The watchdog: `$1` seconds, `$2` pod id, `$3` log file, `$4` pid to stop.
 * It acts only inside that very pod (RUNPOD_POD_ID, which RunPod sets in
 * every pod, must equal `$2`): first `runpodctl remove pod` with the
 * pod-scoped key RunPod injects, else it stops the container (an EXITED pod
 * bills no GPU time).
 */
export const LIFETIME_WATCHDOG = [
  'sleep "$1"',
  'if [ "${RUNPOD_POD_ID:-}" != "$2" ]; then echo "not pod $2 (RUNPOD_POD_ID=${RUNPOD_POD_ID:-unset}): nothing stopped" >> "$3"; exit 0; fi',
  'echo "maxLifetime of pod $2 is over: removing it" >> "$3"',
  'if command -v runpodctl >/dev/null 2>&1 && runpodctl remove pod "$2" >> "$3" 2>&1; then exit 0; fi',
  'echo "runpodctl could not remove the pod: stopping its container" >> "$3"',
  'kill -TERM "$4"',
].join('\n');

/**
 * Arms the watchdog once per container: `$1` seconds, `$2` pod id, `$3`
 * marker file, `$4` expiry, `$5` the watchdog script. The marker holds the
 * expiry and the watchdog's pid, so reconnects do not arm it twice, and a
 * restarted container (whose /tmp is new) gets a new one.
 */
const ARM = [
  'marker=$3',
  'if [ -f "$marker" ]; then read -r expiry pid < "$marker" || :; if [ "$expiry" = "$4" ] && kill -0 "$pid" 2>/dev/null; then exit 0; fi; fi',
  'if command -v setsid >/dev/null 2>&1; then setsid sh -c "$5" runctl-lifetime "$1" "$2" "$marker.log" 1 </dev/null >/dev/null 2>&1 &',
  'else nohup sh -c "$5" runctl-lifetime "$1" "$2" "$marker.log" 1 </dev/null >/dev/null 2>&1 & fi',
  'printf "%s %s\\n" "$4" "$!" > "$marker"',
].join('\n');

/** Where the marker of one pod's watchdog lives (container-local: gone when the container restarts). */
export function lifetimeMarker(podId: string): string {
  return `/tmp/runctl-lifetime-${podId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/**
 * Makes sure the pod ends itself at `expiresAt`. Past the expiry no new work
 * is started: `INVALID_STATE`, leaving the pod to `terminate` or a sweep.
 */
export async function armLifetime(transport: Transport, podId: string, expiresAt: Date, provider: string, signal?: AbortSignal): Promise<void> {
  const seconds = Math.floor((expiresAt.getTime() - Date.now()) / 1000);
  if (seconds <= 0) {
    throw new RunctlError({
      code: 'INVALID_STATE',
      provider,
      message: `The maxLifetime of pod ${podId} ended at ${expiresAt.toISOString()}; runctl starts no more work on it.`,
      hint: 'Terminate it (or let a sweep do it), and create a new pod.',
    });
  }
  const result = await transport.exec(['sh', '-c', ARM, 'runctl-lifetime', String(seconds), podId, lifetimeMarker(podId), expiresAt.toISOString(), LIFETIME_WATCHDOG], signal ? { signal } : {});
  if (result.exitCode !== 0) {
    throw new RunctlError({ code: 'PROVIDER', provider, message: `Could not arm the maxLifetime watchdog on pod ${podId}: ${result.stderr.toString('utf8').trim() || `exit ${result.exitCode}`}.` });
  }
}
