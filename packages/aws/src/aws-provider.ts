import { randomBytes } from 'node:crypto';
import type { Filter } from '@aws-sdk/client-ec2';
import {
  InvalidInputError,
  RunctlError,
  hoursSchema,
  managedTags,
  parseInput,
  pathSchema,
  resourceFilterSchema,
  resourceIdSchema,
  throwIfAborted,
  type CallOptions,
  type CostEstimate,
  type DownloadOptions,
  type DownloadResult,
  type ProviderCapabilities,
  type ResourceFilter,
  type ResourceState,
  type ResourceStatus,
  type TrainingProvider,
} from '@runctl/core';
import { createAwsClients } from './aws-clients.ts';
import { awsCreateOptionsSchema, type AwsCreateResourceOptions } from './aws-create-options.ts';
import { createAwsJobs } from './aws-data-plane.ts';
import { AwsPrices } from './aws-prices.ts';
import { resolveAwsSettings, type AwsProviderSettings } from './aws-settings.ts';
import { launchTokens } from './client-token.ts';
import { ImageResolver } from './dlami.ts';
import { InstanceLookup } from './instance-lookup.ts';
import { requireInstanceId } from './instance-readiness.ts';
import { launchPlacements, resolveInstanceType } from './instance-type.ts';
import { launchInstance } from './launch-instance.ts';
import { toResourceStatus } from './map-ec2-state.ts';
import { downloadS3 } from './s3/s3-download-url.ts';
import { isS3Url } from './s3/s3-url.ts';
import { terminateInstance } from './terminate-instance.ts';
import { buildUserData, lifetimeMinutes } from './user-data.ts';

const CAPABILITIES: ProviderCapabilities = {
  spot: true,
  stop: false,
  multiNode: false,
  logCursor: true,
  download: true,
  maxRuntime: true,
  tags: true,
};

/** EC2 state names per normalized state, for the `instance-state-name` filter. */
const EC2_STATES: Record<ResourceState, readonly string[]> = {
  starting: ['pending'],
  running: ['running'],
  stopped: ['stopping', 'stopped'],
  terminating: ['shutting-down'],
  terminated: ['terminated'],
  error: [],
  unknown: [],
};

/** The AWS provider: a {@link TrainingProvider}, plus `close()` to release the SDK's sockets. */
export interface AwsProvider extends TrainingProvider {
  createResource(instanceType: string, options?: AwsCreateResourceOptions): Promise<ResourceStatus>;
  /** Closes the SDK clients' connections; the provider reconnects if used again. */
  close(): void;
}

/**
 * The AWS provider: EC2 instances, jobs over SSM (or SSH), data through S3.
 *
 * Creating it reads nothing and calls nothing; the SDK clients, credentials
 * and region are resolved on the first call that needs them.
 *
 * @example
 * ```ts
 * const aws = createAws({ region: 'us-east-1', bucket: 'my-runctl', instanceProfile: 'runctl-instance' });
 * const resource = await aws.createResource('L4', { spot: true, maxLifetime: '3h', fallbacks: ['g5.xlarge', 'us-east-1b'] });
 * const job = await aws.train(resource.id, { script: 'train.py', workdir: '.', checkpointDir: 'checkpoints', name: 'llm-ft' });
 * for await (const event of aws.monitor(resource.id, { jobId: job.jobId })) if (event.type === 'log') console.log(event.line);
 * await aws.terminate(resource.id);
 * ```
 */
export function createAws(settingsInput: AwsProviderSettings = {}): AwsProvider {
  const settings = resolveAwsSettings(settingsInput);
  const name = settings.name;
  const clients = createAwsClients(settings);
  const lookup = new InstanceLookup(clients, name);
  const images = new ImageResolver(clients, name);
  const prices = new AwsPrices(clients, { provider: name, livePrices: settings.livePrices, ttlMs: settings.priceTtlMs });
  const { invalidate, ...jobs } = createAwsJobs({ settings, clients, lookup });
  const statusOf = (instance: Parameters<typeof toResourceStatus>[0]): ResourceStatus => toResourceStatus(instance, name, (type, spot) => prices.costPerHourNow(type, spot));

  return {
    name,
    specificationVersion: 'v1',
    capabilities: CAPABILITIES,
    ...jobs,

    async createResource(instanceType: string, options: AwsCreateResourceOptions = {}): Promise<ResourceStatus> {
      const parsed = parseInput(awsCreateOptionsSchema, options, 'options', name);
      const type = resolveInstanceType(instanceType, 'instanceType', name);
      if (settings.transport === 'ssm' && settings.instanceProfile === undefined) {
        throw new InvalidInputError({
          field: 'settings.instanceProfile',
          provider: name,
          message: 'Invalid settings.instanceProfile: the SSM transport needs an instance profile (with AmazonSSMManagedInstanceCore), or the agent never comes online.',
          hint: 'Create one as in docs/providers/aws.md and pass createAws({ instanceProfile }).',
        });
      }
      throwIfAborted(parsed.signal, name);
      const now = new Date();
      const resourceName = parsed.name ?? `runctl-${randomBytes(4).toString('hex')}`;
      const lifetimeMs = parsed.maxLifetime ?? settings.defaultMaxLifetimeMs;
      const expiresAt = lifetimeMs === undefined ? undefined : new Date(now.getTime() + lifetimeMs);
      const spot = parsed.spot ?? false;
      const userData = await buildUserData({
        workspace: settings.workspace,
        runAs: settings.transport === 'ssh' ? settings.ssh.username : undefined,
        lifetimeMinutes: lifetimeMs === undefined ? undefined : lifetimeMinutes(lifetimeMs),
        spot,
        spotPollSeconds: settings.spotPollSeconds,
        spotGraceSeconds: Math.max(1, Math.round(settings.spotGraceMs / 1000)),
      });
      const primary = {
        instanceType: type,
        ...(parsed.availabilityZone === undefined ? {} : { availabilityZone: parsed.availabilityZone }),
        ...(parsed.subnetId === undefined ? {} : { subnetId: parsed.subnetId }),
      };
      const { instance } = await launchInstance(
        clients,
        lookup,
        {
          placements: launchPlacements(primary, parsed.fallbacks ?? [], name),
          imageFor: (candidate, signal) => images.resolve(candidate, parsed.image, parsed.rootDeviceName, signal),
          tokens: launchTokens(parsed.idempotencyKey),
          spot,
          diskGb: parsed.diskGb,
          tags: { ...parsed.tags, ...managedTags({ name: resourceName, createdAt: now, expiresAt }) },
          userData,
          instanceProfile: settings.instanceProfile,
          subnetId: settings.subnetId,
          securityGroupIds: settings.securityGroupIds,
          keyName: settings.keyName,
          signal: parsed.signal,
        },
        name,
      );
      if (spot) void prices.spot(instance.InstanceType ?? type).catch(() => undefined);
      return statusOf(instance);
    },

    async getResourceStatus(id: string, options: CallOptions = {}): Promise<ResourceStatus> {
      parseInput(resourceIdSchema, id, 'id', name);
      requireInstanceId(id, name);
      const instance = await lookup.get(id, options.signal);
      if (instance === undefined) throw new RunctlError({ code: 'NOT_FOUND', provider: name, message: `No runctl instance ${id} (unknown, gone for over an hour, or not tagged runctl:managed).` });
      return statusOf(instance);
    },

    async listResources(filter: ResourceFilter = {}, options: CallOptions = {}): Promise<ResourceStatus[]> {
      const parsed = parseInput(resourceFilterSchema, filter, 'filter', name);
      const ids = parsed.ids;
      const filters: Filter[] = Object.entries(parsed.tags ?? {}).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] }));
      const states = parsed.states as ResourceState[] | undefined;
      if (states !== undefined) {
        const names = states.flatMap((state) => EC2_STATES[state]);
        if (names.length === 0) return [];
        filters.push({ Name: 'instance-state-name', Values: names });
      }
      const found = new Map<string, ResourceStatus>();
      for (const instance of await lookup.list(filters, { ids, signal: options.signal })) {
        if (instance.InstanceId !== undefined) found.set(instance.InstanceId, statusOf(instance));
      }
      // Eventual consistency: our own launches that EC2 does not list yet.
      for (const id of ids ?? []) {
        const launched = found.has(id) ? undefined : lookup.recentLaunch(id);
        if (launched === undefined) continue;
        const status = statusOf(launched);
        const tagsMatch = Object.entries(parsed.tags ?? {}).every(([key, value]) => status.tags[key] === value);
        if (tagsMatch && (states === undefined || states.includes(status.state))) found.set(id, status);
      }
      return [...found.values()];
    },

    async download(id: string, remotePath: string, localPath: string, options: DownloadOptions = {}): Promise<DownloadResult> {
      if (!isS3Url(remotePath)) return jobs.download(id, remotePath, localPath, options);
      parseInput(resourceIdSchema, id, 'id', name);
      parseInput(pathSchema, localPath, 'localPath', name);
      // Straight from S3: works after the instance is gone (e.g. checkpoints of a reclaimed Spot instance).
      return downloadS3(await clients.s3(), remotePath, localPath, { provider: name, signal: options.signal, onProgress: options.onProgress });
    },

    async terminate(id: string, options: CallOptions = {}): Promise<void> {
      parseInput(resourceIdSchema, id, 'id', name);
      requireInstanceId(id, name);
      await terminateInstance(clients, lookup, id, name, { signal: options.signal });
      invalidate(id);
    },

    async estimateCost(instanceType: string, hours: number, options: CallOptions = {}): Promise<CostEstimate> {
      parseInput(hoursSchema, hours, 'hours', name);
      const type = resolveInstanceType(instanceType, 'instanceType', name);
      const [onDemand, spot] = await Promise.all([
        prices.onDemand(type, options.signal),
        // Spot prices are a bonus: a denied or failed lookup leaves them out.
        prices.spot(type, options.signal).catch(() => undefined),
      ]);
      return {
        provider: name,
        instanceType: type,
        hours,
        costPerHour: onDemand.usdPerHour,
        total: onDemand.usdPerHour * hours,
        ...(spot === undefined ? {} : { spotCostPerHour: spot.usdPerHour }),
        currency: 'USD',
        source: onDemand.source,
        asOf: onDemand.asOf,
      };
    },

    close: () => clients.destroy(),
  };
}
