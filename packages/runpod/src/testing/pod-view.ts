import { actionsFor, lifecycleAt, type PodActionName } from './pod-lifecycle.ts';
import type { PodMounts, PodRecord, PodStatus } from './pod-record.ts';
import type { CloudType } from './gpu-catalog.ts';

/** Where `ssh.direct` points for RUNNING pods (tests aim it at a real loopback sshd). */
export interface SshEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username: string;
}

export interface PodSshEndpointView {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly command: string;
}

export interface PodRuntimeView {
  readonly uptime: number;
  readonly gpus: readonly { readonly util: number; readonly memoryUtil: number }[];
  readonly cpu: { readonly util: number };
  readonly memory: { readonly util: number };
  readonly ports: readonly { readonly private: number; readonly public: number; readonly type: string; readonly ip: string }[];
}

/** The spec's `Pod` schema, as the fake renders it. */
export interface PodView {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly args: string;
  readonly disk: number;
  readonly ports: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly registry: string | null;
  readonly status: PodStatus;
  readonly actions: readonly PodActionName[];
  readonly mounts: PodMounts;
  readonly gpu?: { readonly id: string; readonly count: number };
  readonly cpu?: { readonly id: string; readonly vcpuCount: number; readonly memory: number };
  readonly cloud: CloudType;
  readonly dataCenterId: string | null;
  readonly cudaVersion: string | null;
  readonly ssh: { readonly proxy: PodSshEndpointView | null; readonly direct: PodSshEndpointView | null };
  readonly template: string | null;
  readonly cost: number;
  readonly locked: boolean;
  readonly globalNetworking: { readonly enabled: boolean; readonly ip?: string; readonly internalDns?: string };
  readonly runtime: PodRuntimeView | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
}

/** Documentation range (RFC 5737) so a default fake never points at a real host. */
const DEFAULT_PUBLIC_IP = '203.0.113.10';

export function renderPod(pod: PodRecord, now: number, sshEndpoint: SshEndpoint | undefined): PodView {
  const { status, runningSince } = lifecycleAt(pod.phase, now);
  const running = runningSince !== null;
  const publicIp = sshEndpoint?.host ?? DEFAULT_PUBLIC_IP;
  const mappings = pod.ports.flatMap((entry) => {
    const parsed = parsePort(entry);
    return parsed ? [{ ...parsed, public: publicPort(pod.id, parsed.private, sshEndpoint) }] : [];
  });
  const sshMapping = mappings.find((m) => m.private === 22 && m.type === 'tcp');
  const direct =
    running && sshMapping
      ? endpoint(publicIp, sshMapping.public, sshEndpoint?.username ?? 'root')
      : null;
  return {
    id: pod.id,
    name: pod.name,
    image: pod.image,
    args: pod.args,
    disk: pod.disk,
    ports: [...pod.ports],
    env: { ...pod.env },
    registry: pod.registry,
    status,
    actions: actionsFor(status),
    mounts: pod.mounts,
    ...(pod.gpu ? { gpu: { ...pod.gpu } } : {}),
    ...(pod.cpu ? { cpu: { ...pod.cpu } } : {}),
    cloud: pod.cloud,
    dataCenterId: pod.dataCenterId,
    cudaVersion: pod.cudaVersion,
    ssh: { proxy: endpoint('ssh.runpod.io', 22, pod.proxyUsername), direct },
    template: null,
    cost: status === 'EXITED' || status === 'TERMINATED' ? 0 : pod.hourlyCost,
    locked: pod.locked,
    globalNetworking: pod.globalNetworking
      ? { enabled: true, ip: `10.65.0.${1 + (stableHash(pod.id) % 250)}`, internalDns: `${pod.id}.runpod.internal` }
      : { enabled: false },
    runtime: running
      ? {
          uptime: Math.max(0, Math.floor((now - runningSince) / 1000)),
          gpus: Array.from({ length: pod.gpu?.count ?? 0 }, () => ({ util: 0, memoryUtil: 0 })),
          cpu: { util: 0 },
          memory: { util: 0 },
          ports: mappings.map((m) => ({ private: m.private, public: m.public, type: m.type, ip: publicIp })),
        }
      : null,
    createdAt: isoSeconds(pod.createdAt),
    startedAt: running ? isoSeconds(runningSince) : null,
  };
}

/** `"<port>/<http|tcp>"`; anything else is rejected at create/patch. */
export function parsePort(entry: string): { readonly private: number; readonly type: 'http' | 'tcp' } | undefined {
  const match = /^(\d{1,5})\/(http|tcp)$/.exec(entry);
  const port = Number(match?.[1]);
  if (!match || port < 1 || port > 65_535) return undefined;
  return { private: port, type: match[2] === 'http' ? 'http' : 'tcp' };
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function endpoint(host: string, port: number, username: string): PodSshEndpointView {
  const command = port === 22 && host === 'ssh.runpod.io' ? `ssh ${username}@${host}` : `ssh ${username}@${host} -p ${port}`;
  return { host, port, username, command };
}

/** Stable per pod and port, like a real public mapping (which only changes on reset). */
function publicPort(podId: string, privatePort: number, sshEndpoint: SshEndpoint | undefined): number {
  if (privatePort === 22 && sshEndpoint) return sshEndpoint.port;
  return 10_000 + ((stableHash(podId) + privatePort) % 50_000);
}

function stableHash(text: string): number {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash;
}
