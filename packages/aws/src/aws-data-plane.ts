import { join } from 'node:path';
import {
  AgentClient,
  agentJobOperations,
  createSshTransport,
  quoteArgv,
  type AgentDataPlane,
  type AgentJobOperations,
  type Transport,
} from '@runctl/agent';
import { InvalidInputError, RunctlError, throwIfAborted } from '@runctl/core';
import type { AwsClients } from './aws-clients.ts';
import type { ResolvedAwsSettings } from './aws-settings.ts';
import { goneReason, requireInstanceId, waitForRunning } from './instance-readiness.ts';
import type { InstanceLookup } from './instance-lookup.ts';
import { wasPreempted } from './map-ec2-state.ts';
import { fetchDataArgv, syncDownArgv, syncUpArgv } from './s3-job-hooks.ts';
import { isS3Url, joinKey } from './s3/s3-url.ts';
import { parseProbeFrame } from './ssm-transport/ssm-frames.ts';
import { waitForSsmOnline } from './ssm-transport/ssm-readiness.ts';
import { SCRIPTS } from './ssm-transport/ssm-scripts.ts';
import { READ_CHUNK, createSsmTransport } from './ssm-transport/ssm-transport.ts';

/** Everything the data plane shares with the rest of the provider. */
export interface AwsDataPlaneDeps {
  settings: ResolvedAwsSettings;
  clients: AwsClients;
  lookup: InstanceLookup;
}

/**
 * The job half of the AWS provider: an {@link AgentClient} per instance,
 * over SSM (default) or SSH, once the instance runs and its agent answers.
 * `train` adds S3 to the shared job operations: `s3://` data and outputs,
 * and, with a bucket, checkpoints synced to
 * `s3://<bucket>/<prefix>/checkpoints/<job name or id>/` when the job ends
 * or its Spot instance is reclaimed (and restored into a named job).
 */
export function createAwsJobs(deps: AwsDataPlaneDeps): AgentJobOperations & { invalidate(id: string): void } {
  const { settings, clients, lookup } = deps;
  const provider = settings.name;
  const agents = new Map<string, Promise<AgentClient>>();
  let region: string | undefined;

  const connect = async (id: string, signal?: AbortSignal): Promise<AgentClient> => {
    const deadline = Date.now() + settings.readyTimeoutMs;
    const instance = await waitForRunning(lookup, id, { provider, deadline, signal });
    region ??= await clients.region();
    const instanceGone = async (): Promise<string | undefined> => goneReason(await lookup.get(id));
    let transport: Transport;
    if (settings.transport === 'ssm') {
      await waitForSsmOnline(clients, id, { provider, deadline, signal, stillRunning: instanceGone });
      transport = createSsmTransport({
        clients,
        instanceId: id,
        provider,
        pollMs: settings.commandPollMs,
        livenessMs: settings.commandLivenessMs,
        instanceGone,
        staging: settings.bucket === undefined ? undefined : { bucket: settings.bucket, keyPrefix: joinKey(settings.prefix, 'transfers', id) },
      });
    } else {
      const { ssh } = settings;
      const address = ssh.address === 'private' ? instance.PrivateIpAddress : instance.PublicIpAddress;
      const endpoint = ssh.endpoint?.({ id, publicIp: instance.PublicIpAddress, privateIp: instance.PrivateIpAddress }) ?? (address === undefined ? undefined : { host: address });
      if (endpoint === undefined) {
        throw new RunctlError({ code: 'INVALID_STATE', provider, message: `Instance ${id} has no ${ssh.address} IP address to SSH to.`, hint: "Launch into a subnet that assigns public IPs, or set ssh.address: 'private' or ssh.endpoint." });
      }
      if (ssh.privateKey === undefined && (ssh.agent === undefined || ssh.agent === false)) {
        throw new InvalidInputError({ field: 'settings.ssh.privateKey', provider, message: "Invalid settings.ssh.privateKey: transport 'ssh' needs the private key of settings.keyName (or ssh.agent)." });
      }
      transport = createSshTransport({
        host: endpoint.host,
        port: endpoint.port ?? ssh.port,
        username: ssh.username,
        ...(ssh.privateKey === undefined ? {} : { privateKey: ssh.privateKey }),
        ...(ssh.passphrase === undefined ? {} : { passphrase: ssh.passphrase }),
        ...(ssh.agent === undefined ? {} : { agent: ssh.agent }),
        // One file per instance: EC2 reuses addresses, and a new instance has a new host key.
        knownHosts: join(ssh.knownHostsDir, id),
        hostKeyPolicy: 'accept-new',
        provider,
      });
    }
    const workspace = await resolveWorkspace(transport, settings.workspace, provider, signal);
    return new AgentClient({
      transport,
      workspace,
      provider,
      // Over SSM each read is a command (about a second): poll gently, read in large steps.
      ...(settings.transport === 'ssm'
        ? { follow: { chunkBytes: 4 * READ_CHUNK, minPollMs: settings.followPollMs[0], maxPollMs: settings.followPollMs[1], livenessMs: 15_000 } }
        : {}),
    });
  };

  const agentFor = (id: string, signal?: AbortSignal): Promise<AgentClient> => {
    throwIfAborted(signal, provider);
    requireInstanceId(id, provider);
    let agent = agents.get(id);
    if (agent === undefined) {
      agent = connect(id, signal);
      agents.set(id, agent);
      agent.catch(() => agents.delete(id));
    }
    return agent;
  };

  const plane: AgentDataPlane = {
    provider,
    agentFor,
    invalidate: (id) => agents.delete(id),
    ...(settings.killGraceMs === undefined ? {} : { killGraceMs: settings.killGraceMs }),
    fetchData: (dataSource, dataDir) => (isS3Url(dataSource) ? fetchDataArgv(dataSource, dataDir, region) : undefined),
    syncOutputs: (outputDest, outputDir) => (isS3Url(outputDest) ? syncUpArgv(outputDir, outputDest, region) : undefined),
    async resourceLost(id, signal) {
      const instance = await lookup.get(id, signal);
      const gone = goneReason(instance);
      if (gone === undefined) return undefined;
      return { reason: instance !== undefined && wasPreempted(instance) ? 'preempted' : 'resource-lost', message: `Instance ${id} is ${gone}.` };
    },
    // Checkpoints live in S3 too, so a Spot reclaim or a relaunch loses nothing.
    async adaptPlan(plan, { agent, job, jobId, signal }) {
      if (settings.bucket === undefined) return plan;
      const checkpointDir = plan.spec.environment?.['RUNCTL_CHECKPOINT_DIR'] as string;
      const url = `s3://${settings.bucket}/${joinKey(settings.prefix, 'checkpoints', job.name ?? jobId)}/`;
      // The spot watcher runs this if the job is still running when time is short.
      await agent.transport.writeFile(`${agent.layout.jobDir(jobId)}/on_preempt`, `${quoteArgv(syncUpArgv(checkpointDir, url, region))}\n`, { mode: 0o600, ...(signal ? { signal } : {}) });
      return {
        ...plan,
        // A named job picks up the checkpoints of its last run, e.g. after a Spot reclaim.
        setup: job.name === undefined ? plan.setup : [...plan.setup, syncDownArgv(url, checkpointDir, region)],
        spec: {
          ...plan.spec,
          environment: { ...plan.spec.environment, RUNCTL_CHECKPOINT_URL: url },
          onExit: [...(plan.spec.onExit ?? []), syncUpArgv(checkpointDir, url, region)],
        },
      };
    },
  };
  const jobs = agentJobOperations(plane);

  return { ...jobs, invalidate: (id) => agents.delete(id) };
}

/** The absolute workspace: `~/…` is resolved on the machine (after its user data has finished). */
async function resolveWorkspace(transport: Transport, workspace: string, provider: string, signal?: AbortSignal): Promise<string> {
  const result = await transport.exec(['sh', '-c', SCRIPTS.probe], signal ? { signal } : {});
  const { home } = parseProbeFrame(result.stdout.toString('utf8'), result.stderr.toString('utf8'), provider);
  if (workspace === '~') return home;
  return workspace.startsWith('~/') ? `${home.replace(/\/+$/, '')}/${workspace.slice(2)}` : workspace;
}
