import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RunctlError, sleep } from '@runctl/core';
import { AgentClient, createSshTransport, type AgentDataPlane, type Transport } from '@runctl/agent';
import { containerEnvPrefix } from './container-env.ts';
import type { PodReader } from './pod-reader.ts';
import { armLifetime } from './pod-lifetime.ts';
import { podIdentity } from './pod-markers.ts';
import type { ResolvedRunpodSettings } from './runpod-settings.ts';
import type { SshIdentity } from './runpod-ssh-key.ts';
import { waitForSshReady } from './wait-for-pod.ts';

interface Connection {
  endpoint: string;
  transport: Transport;
  agent: AgentClient;
  /** Resolves once sshd answered a command; shared by every caller. */
  ready: Promise<void>;
}

/** The data plane of RunPod pods, for `agentJobOperations`, plus cleanup for `terminate`. */
export interface RunpodDataPlane extends AgentDataPlane {
  /** Closes the pod's connection and deletes its known_hosts file. */
  forget(id: string): Promise<void>;
  /** The runctl-managed known_hosts file of one pod. */
  knownHostsFile(id: string): string;
  /** Closes every SSH connection (they reopen on next use). */
  closeAll(): Promise<void>;
}

/**
 * Reaches pods over SSH to `ssh.direct`: waits (with a timeout) until the
 * pod is RUNNING with that endpoint, then opens one multiplexed connection
 * per pod. Every command first restores the container's environment
 * (`/proc/1/environ`). Host keys are pinned on first connect (`accept-new`)
 * into a known_hosts file of that pod alone: pods reuse IP:port pairs, so a
 * shared file would either refuse a new pod or trust an old key. A pod
 * with a `maxLifetime` gets its watchdog armed on the first connection.
 */
export function createRunpodDataPlane(settings: ResolvedRunpodSettings, reader: PodReader, identity: () => Promise<SshIdentity>): RunpodDataPlane {
  const provider = settings.name;
  const connections = new Map<string, Connection>();
  const knownHostsFile = (id: string): string => join(settings.knownHostsDir, id.replace(/[^A-Za-z0-9_-]/g, '_'));

  const drop = (id: string): void => {
    const connection = connections.get(id);
    connections.delete(id);
    void connection?.transport.close().catch(() => undefined);
  };

  return {
    provider,
    ...(settings.killGraceMs === undefined ? {} : { killGraceMs: settings.killGraceMs }),
    knownHostsFile,

    async agentFor(id: string, signal?: AbortSignal): Promise<AgentClient> {
      const deadline = Date.now() + settings.readyTimeoutMs;
      let connection = connections.get(id);
      if (connection === undefined) {
        const { pod, direct } = await waitForSshReady(reader, id, { timeoutMs: settings.readyTimeoutMs, intervalMs: settings.pollIntervalMs, provider, signal });
        const { expiresAt } = podIdentity(pod);
        const endpoint = `${direct.username}@${direct.host}:${direct.port}`;
        connection = connections.get(id);
        if (connection === undefined || connection.endpoint !== endpoint) {
          if (connection !== undefined) drop(id);
          const key = await identity();
          const transport = createSshTransport({
            host: direct.host,
            port: direct.port,
            username: direct.username,
            privateKey: key.privateKey,
            ...(key.passphrase === undefined ? {} : { passphrase: key.passphrase }),
            knownHosts: knownHostsFile(id),
            hostKeyPolicy: 'accept-new',
            envPrefix: containerEnvPrefix(settings.containerEnvFile),
            connectTimeout: settings.sshConnectTimeoutMs,
            provider,
          });
          const agent = new AgentClient({ transport, workspace: settings.workspaceFor(id), provider });
          // maxLifetime is enforced inside the pod from the first connection on (see pod-lifetime.ts).
          const ready = probe(transport, id, deadline, provider).then(() => (expiresAt === undefined ? undefined : armLifetime(transport, id, expiresAt, provider)));
          connection = { endpoint, transport, agent, ready };
          connections.set(id, connection);
        }
      }
      const current = connection;
      try {
        await current.ready;
      } catch (error) {
        if (connections.get(id) === current) drop(id);
        throw error;
      }
      return current.agent;
    },

    async resourceLost(id: string, signal?: AbortSignal) {
      const pod = await reader.get(id, signal);
      if (pod === undefined || pod.status === 'TERMINATED') return { reason: 'resource-lost' as const, message: `Pod ${id} no longer exists (terminated or deleted).` };
      if (pod.status === 'EXITED' && podIdentity(pod).spot) return { reason: 'preempted' as const, message: `Spot pod ${id} was stopped (EXITED): preempted.` };
      if (pod.status === 'EXITED' || pod.status === 'ERROR') return { reason: 'resource-lost' as const, message: `Pod ${id} is ${pod.status}; its container and the job in it are gone.` };
      return undefined;
    },

    invalidate: drop,

    async closeAll(): Promise<void> {
      const all = [...connections.values()];
      connections.clear();
      await Promise.all(all.map((connection) => connection.transport.close().catch(() => undefined)));
    },

    async forget(id: string): Promise<void> {
      const connection = connections.get(id);
      connections.delete(id);
      await connection?.transport.close().catch(() => undefined);
      await rm(knownHostsFile(id), { force: true });
    },
  };
}

/**
 * sshd can come up a little after RunPod reports RUNNING: retry a trivial
 * command until it answers or the readiness deadline passes. A refused key
 * (host key or login) is final.
 */
async function probe(transport: Transport, id: string, deadline: number, provider: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await transport.exec(['true']);
      return;
    } catch (error) {
      const retryable = RunctlError.isInstance(error) && error.retryable;
      if (!retryable || Date.now() + 1_000 > deadline) {
        if (RunctlError.hasCode(error, 'AUTH')) {
          throw new RunctlError({
            code: 'AUTH',
            provider,
            message: `Could not log in to pod ${id}: ${error.message}`,
            hint: error.hint ?? 'The pod gets SSH keys at creation (startSsh). A pod created before runctl registered its key cannot be reached; create a new one.',
            cause: error,
          });
        }
        throw error;
      }
      await sleep(Math.min(5_000, 250 * 2 ** Math.min(attempt, 5)));
    }
  }
}
