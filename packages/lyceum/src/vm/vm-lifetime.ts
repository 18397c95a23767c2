import { RunctlError } from '@runctl/core';
import type { AgentClient } from '@runctl/agent';

/**
 * A fixed script: runs `agent.sh lifetime <minutes>` as root (directly, or
 * through passwordless sudo, since Lyceum logs in as `lyceum`). The agent
 * path and minutes arrive as arguments, never spliced into the code.
 */
const ARM_SCRIPT = [
  'if [ "$(id -u)" = 0 ]; then exec sh "$1" lifetime "$2"; fi',
  'if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then exec sudo -n sh "$1" lifetime "$2"; fi',
  'echo "runctl: cannot schedule a power-off: not root and no passwordless sudo" >&2',
  'exit 3',
].join('\n');

/** The argv that arms the kill switch; exported for tests. */
export function lifetimeArgv(agentPath: string, minutes: number): string[] {
  return ['sh', '-c', ARM_SCRIPT, 'runctl-lifetime', agentPath, String(minutes)];
}

/**
 * Enforces `maxLifetime` on the VM itself: Lyceum has no server-side TTL, so
 * the job agent schedules a power-off for `expiresAt`. Failing to arm it is
 * an error: a caller who asked for a hard limit must not silently lose it.
 */
export async function armVmLifetime(agent: AgentClient, expiresAt: Date, options: { provider: string; vmId: string; signal?: AbortSignal | undefined }): Promise<void> {
  const { provider, vmId, signal } = options;
  const remainingMs = expiresAt.getTime() - Date.now();
  if (remainingMs <= 0) {
    throw new RunctlError({
      code: 'INVALID_STATE',
      provider,
      message: `Lyceum VM ${vmId} passed its maxLifetime at ${expiresAt.toISOString()}; runctl will not start work on it.`,
      hint: 'Terminate it (runctl sweeps do so too) and create a new resource.',
    });
  }
  const agentPath = await agent.installAgent(signal);
  const minutes = Math.max(1, Math.floor(remainingMs / 60_000));
  const result = await agent.transport.exec(lifetimeArgv(agentPath, minutes), signal ? { signal } : {});
  if (result.exitCode !== 0) {
    throw new RunctlError({
      code: 'PROVIDER',
      provider,
      message: `Could not arm the maxLifetime power-off on Lyceum VM ${vmId}: ${result.stderr.toString('utf8').trim().slice(0, 300) || `exit code ${result.exitCode}`}.`,
      hint: 'The SSH user needs root or passwordless sudo. Without maxLifetime, only sweeps and terminate() end the VM.',
    });
  }
}
