import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RunctlError, sleep, throwIfAborted } from '@runctl/core';
import { AgentClient, createSshTransport, type AgentDataPlane, type SshKeyPair, type SshTransportOptions, type Transport } from '@runctl/agent';
import type { SshEndpoint } from '../ip-address.ts';
import { mapVmState } from '../map-lyceum-state.ts';
import { decodeVmName } from '../vm-name.ts';
import type { VmApi } from './vm-api.ts';
import { armVmLifetime } from './vm-lifetime.ts';
import { unreachable, waitForVmAddress } from './wait-for-vm.ts';

/** What {@link createVmDataPlane} needs. */
export interface VmDataPlaneConfig {
  provider: string;
  vms: VmApi;
  sshKey: () => Promise<SshKeyPair>;
  sshUser: string;
  knownHostsDir: string;
  /** Absolute workspace on every VM; default `$HOME/runctl` of the SSH user. */
  remoteWorkspace: string | undefined;
  readyTimeoutMs: number;
  pollIntervalMs: number;
  killGraceMs: number | undefined;
  /** Makes the SSH transport (tests wrap it). */
  transportFactory?: (options: SshTransportOptions) => Transport;
}

/** The VM data plane, plus what the provider needs to clean up. */
export interface VmDataPlane extends AgentDataPlane {
  /** Closes the VM's SSH connection and forgets its pinned host key (after terminate). */
  forget(id: string): Promise<void>;
  /** Closes every SSH connection. */
  closeAll(): Promise<void>;
}

/** Failures while SSH comes up on a fresh VM are retried this long even when they look final (keys are installed late). */
const AUTH_GRACE_MS = 60_000;

/**
 * Reaches Lyceum VMs for the job agent: waits until a VM is ready and has an
 * address, connects over SSH (host keys pinned on first use in a known_hosts
 * file of that VM alone, never unchecked), arms the `maxLifetime` power-off,
 * and hands {@link agentJobOperations} an {@link AgentClient}.
 */
export function createVmDataPlane(config: VmDataPlaneConfig): VmDataPlane {
  const { provider } = config;
  const agents = new Map<string, Promise<AgentClient>>();
  const makeTransport = config.transportFactory ?? createSshTransport;

  const connect = async (id: string, signal?: AbortSignal): Promise<AgentClient> => {
    const deadline = Date.now() + config.readyTimeoutMs;
    const options = { provider, deadline, timeoutMs: config.readyTimeoutMs, pollIntervalMs: config.pollIntervalMs, signal };
    const { vm, endpoint } = await waitForVmAddress(config.vms, id, options);
    const key = await config.sshKey();
    const transport = makeTransport({
      host: endpoint.host,
      port: endpoint.port,
      username: config.sshUser,
      privateKey: key.privateKey,
      knownHosts: knownHostsPath(config.knownHostsDir, id),
      hostKeyPolicy: 'accept-new',
      provider,
    });
    try {
      const home = await waitForSsh(transport, id, endpoint, { ...options, vmStatus: vm.status });
      const workspace = config.remoteWorkspace ?? `${home}/runctl`;
      const agent = new AgentClient({ transport, workspace, provider });
      const expiresAt = decodeVmName(vm.displayName)?.expiresAt;
      if (expiresAt !== undefined) await armVmLifetime(agent, expiresAt, { provider, vmId: id, signal });
      return agent;
    } catch (error) {
      await transport.close().catch(() => {});
      throw error;
    }
  };

  const plane: VmDataPlane = {
    provider,
    ...(config.killGraceMs === undefined ? {} : { killGraceMs: config.killGraceMs }),

    agentFor(id, signal) {
      let agent = agents.get(id);
      if (agent === undefined) {
        agent = connect(id, signal);
        agents.set(id, agent);
        // A failed connect is not cached: the next call tries again.
        agent.catch(() => {
          if (agents.get(id) === agent) agents.delete(id);
        });
      }
      return agent;
    },

    async resourceLost(id, signal) {
      const vm = await config.vms.status(id, signal).catch((error: unknown) => {
        if (RunctlError.hasCode(error, 'NOT_FOUND')) return undefined;
        throw error;
      });
      if (vm === undefined) return { reason: 'resource-lost', message: `Lyceum VM ${id} no longer exists.` };
      const state = mapVmState(vm.status);
      if (state !== 'terminated' && state !== 'terminating' && state !== 'error') return undefined;
      const spot = vm.instanceType === 'spot';
      return { reason: spot && state !== 'error' ? 'preempted' : 'resource-lost', message: `Lyceum VM ${id} is ${vm.status}${spot ? ' (spot)' : ''}.` };
    },

    invalidate(id) {
      const agent = agents.get(id);
      agents.delete(id);
      agent?.then((client) => client.transport.close()).catch(() => {});
    },

    async forget(id) {
      plane.invalidate?.(id);
      await rm(knownHostsPath(config.knownHostsDir, id), { force: true });
    },

    async closeAll() {
      const all = [...agents.values()];
      agents.clear();
      await Promise.allSettled(all.map(async (agent) => (await agent).transport.close()));
    },
  };
  return plane;
}

/**
 * Waits until the VM's SSH server runs commands, and returns `$HOME`.
 * Refused connections and timeouts are retried until the deadline; refused
 * keys only for a minute (cloud-init may add ours after sshd starts).
 */
async function waitForSsh(
  transport: Transport,
  id: string,
  endpoint: SshEndpoint,
  options: { provider: string; deadline: number; timeoutMs: number; pollIntervalMs: number; signal?: AbortSignal | undefined; vmStatus: string },
): Promise<string> {
  const { signal } = options;
  let firstAuthFailure: number | undefined;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(signal, options.provider);
    try {
      const result = await transport.exec(['sh', '-c', 'printf %s "$HOME"'], signal ? { signal } : {});
      const home = result.stdout.toString('utf8').trim();
      if (result.exitCode === 0 && home.startsWith('/')) return home.replace(/\/+$/, '');
      throw new RunctlError({ code: 'PROVIDER', provider: options.provider, message: `The SSH user on Lyceum VM ${id} has no usable home folder.`, hint: 'Set settings.remoteWorkspace.' });
    } catch (error) {
      if (signal?.aborted || !RunctlError.isInstance(error)) throw error;
      const now = Date.now();
      const transient = error.retryable && (error.code === 'PROVIDER' || error.code === 'TIMEOUT');
      if (error.code === 'AUTH') firstAuthFailure ??= now;
      const inGrace = error.code === 'AUTH' && now - (firstAuthFailure ?? now) < AUTH_GRACE_MS;
      if (!transient && !inGrace) throw error;
      if (now >= options.deadline) {
        throw unreachable(id, { status: options.vmStatus, ipAddress: `${endpoint.host}:${endpoint.port}` }, options, error.message);
      }
      await sleep(Math.min(options.pollIntervalMs, 500 * attempt, Math.max(0, options.deadline - now)), signal);
    }
  }
}

/** The known_hosts file of one VM, so a reused IP never meets another VM's pinned key. */
export function knownHostsPath(dir: string, id: string): string {
  return join(dir, `${pathSafe(id)}.known_hosts`);
}

/** VM ids are opaque: used as-is in paths when plainly safe, hashed otherwise. */
function pathSafe(id: string): string {
  return /^[A-Za-z0-9_-]{1,100}$/.test(id) ? id : createHash('sha256').update(id).digest('hex').slice(0, 32);
}
