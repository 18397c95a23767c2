import {
  durationSchema,
  hoursSchema,
  nameSchema,
  oneOfSchema,
  parseInput,
  registerSecret,
  safeStringSchema,
  textSchema,
  z,
  type Duration,
} from '@runctl/core';
import type { HostKeyPolicy } from '@runctl/agent';

/** One machine you already have. */
export interface SshHostConfig {
  /** Unique name of this host in the provider; part of its resource ids. */
  name: string;
  /** Host name or IP address. */
  host: string;
  /** Default 22. */
  port?: number;
  user: string;
  /** Private key text, or the path of a key file (`~/` allowed); read on first connect. */
  privateKey?: string;
  passphrase?: string;
  /** Use ssh-agent: `true` for `$SSH_AUTH_SOCK`, or the agent's socket path. */
  agent?: boolean | string;
  /** What `createResource(instanceType)` asks for, e.g. `'a100-80gb'`. */
  instanceType?: string;
  /** More names `createResource` accepts for this host, e.g. `['gpu', 'a100']`. */
  labels?: readonly string[];
  /** GPUs on the machine, for listings. */
  gpus?: number;
  /** USD per hour, for `estimateCost` and status (default 0). */
  costPerHour?: number;
  /** Overrides the provider-wide known_hosts file for this host. */
  knownHosts?: string;
  /** Overrides the provider-wide host key policy for this host. */
  hostKeyPolicy?: HostKeyPolicy;
  /** Overrides the provider-wide workspace folder for this host. */
  workspaceRoot?: string;
}

/** Settings of {@link createSsh}. */
export interface SshProviderSettings {
  hosts: readonly SshHostConfig[];
  /**
   * Folder on each host that holds one workspace per resource, absolute or
   * under the login's home with `~/` (default `~/.runctl/workspaces`).
   */
  workspaceRoot?: string;
  /** known_hosts file (default `~/.ssh/known_hosts`). */
  knownHosts?: string;
  /** `strict` (default) or `accept-new`. */
  hostKeyPolicy?: HostKeyPolicy;
  /** Limit on connecting to a host (default 15 s). */
  connectTimeout?: Duration;
  /** Registry name (default `ssh`). */
  name?: string;
}

/** A host after validation, with the provider-wide defaults applied. */
export interface ResolvedSshHost {
  name: string;
  host: string;
  port: number;
  user: string;
  privateKey: string | undefined;
  passphrase: string | undefined;
  agent: boolean | string | undefined;
  instanceType: string | undefined;
  labels: readonly string[];
  gpus: number | undefined;
  costPerHour: number;
  knownHosts: string | undefined;
  hostKeyPolicy: HostKeyPolicy;
  workspaceRoot: string;
}

const policySchema = oneOfSchema<HostKeyPolicy>(['strict', 'accept-new'], "must be 'strict' or 'accept-new'");
const rootSchema = textSchema.check(z.regex(/^(\/|~\/|~$)/, "must be an absolute path or start with '~/'"));

const hostSchema = z
  .strictObject({
    name: nameSchema,
    host: textSchema.check(z.regex(/^[^\s@/]+$/, 'must be a host name or IP address')),
    port: z.optional(hoursSchema.check(z.int(), z.minimum(1), z.maximum(65_535))),
    user: textSchema.check(z.regex(/^[^\s@:/]+$/, 'must be a user name')),
    privateKey: z.optional(textSchema),
    passphrase: z.optional(safeStringSchema),
    agent: z.optional(z.union([z.boolean(), textSchema])),
    instanceType: z.optional(textSchema),
    labels: z.optional(z.array(textSchema)),
    gpus: z.optional(hoursSchema.check(z.int())),
    costPerHour: z.optional(hoursSchema),
    knownHosts: z.optional(textSchema),
    hostKeyPolicy: z.optional(policySchema),
    workspaceRoot: z.optional(rootSchema),
  })
  .check(
    z.superRefine((host, context) => {
      if (host.privateKey === undefined && (host.agent === undefined || host.agent === false)) {
        context.addIssue({ code: 'custom', path: ['privateKey'], message: 'give privateKey or agent' });
      }
    }),
  );

const settingsSchema = z
  .strictObject({
    hosts: z.array(hostSchema).check(z.minLength(1, 'must list at least one host')),
    workspaceRoot: z.optional(rootSchema),
    knownHosts: z.optional(textSchema),
    hostKeyPolicy: z.optional(policySchema),
    connectTimeout: z.optional(durationSchema),
    name: z.optional(nameSchema),
  })
  .check(
    z.superRefine((settings, context) => {
      const seen = new Set<string>();
      settings.hosts.forEach((host, index) => {
        if (seen.has(host.name)) context.addIssue({ code: 'custom', path: ['hosts', index, 'name'], message: `is used by another host` });
        seen.add(host.name);
      });
    }),
  );

/** Validated settings: the hosts with defaults applied, and the connection settings. */
export interface ResolvedSshSettings {
  name: string;
  hosts: readonly ResolvedSshHost[];
  knownHosts: string | undefined;
  connectTimeout: number | undefined;
}

/** Validates {@link SshProviderSettings}; errors name the field, e.g. `settings.hosts[1].port`. */
export function resolveSshSettings(settings: SshProviderSettings): ResolvedSshSettings {
  const parsed = parseInput(settingsSchema, settings, 'settings', typeof settings?.name === 'string' ? settings.name : 'ssh');
  for (const host of parsed.hosts) registerSecret(host.passphrase);
  return {
    name: parsed.name ?? 'ssh',
    knownHosts: parsed.knownHosts,
    connectTimeout: parsed.connectTimeout,
    hosts: parsed.hosts.map((host) => ({
      name: host.name,
      host: host.host,
      port: host.port ?? 22,
      user: host.user,
      privateKey: host.privateKey,
      passphrase: host.passphrase,
      agent: host.agent,
      instanceType: host.instanceType,
      labels: host.labels ?? [],
      gpus: host.gpus,
      costPerHour: host.costPerHour ?? 0,
      knownHosts: host.knownHosts ?? parsed.knownHosts,
      hostKeyPolicy: host.hostKeyPolicy ?? parsed.hostKeyPolicy ?? 'strict',
      workspaceRoot: host.workspaceRoot ?? parsed.workspaceRoot ?? '~/.runctl/workspaces',
    })),
  };
}
