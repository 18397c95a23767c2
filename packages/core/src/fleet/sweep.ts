import { toRunctlError } from '../errors/to-runctl-error.ts';
import type { CallOptions } from '../provider/training-provider.ts';
import type { ProviderFailure, ProviderRegistry } from '../registry/provider-registry.ts';
import type { ResourceStatus } from '../resource/resource-status.ts';
import { RUNCTL_TAGS, expiresAtFromTags, isManaged } from '../resource/tags.ts';

/** Options of {@link sweepOrphans}. */
export interface SweepOptions extends CallOptions {
  /** Also sweep managed resources created more than this many ms ago. */
  olderThanMs?: number;
  /** Only report; terminate nothing (default true). */
  dryRun?: boolean;
  /** The clock (for tests). */
  now?: Date;
}

/** A resource the sweep chose, and why. */
export interface SweepCandidate {
  resource: ResourceStatus;
  reason: string;
  /** Set once terminated (not in a dry run). */
  terminated?: boolean;
  error?: string;
}

/** What a sweep found and did. */
export interface SweepResult {
  candidates: SweepCandidate[];
  /** Providers whose listing failed: their resources were not considered. */
  failures: ProviderFailure[];
}

/**
 * Finds resources runctl created that outlived their welcome: past their
 * `runctl:expires-at`, or (with `olderThanMs`) created longer ago than that.
 * Never touches a resource without the `runctl:managed` tag. Dry run by default.
 */
export async function sweepOrphans(registry: ProviderRegistry, options: SweepOptions = {}): Promise<SweepResult> {
  const now = options.now ?? new Date();
  const { resources, failures } = await registry.listAllResources({ managedOnly: true }, options.signal ? { signal: options.signal } : {});
  const candidates: SweepCandidate[] = [];
  for (const resource of resources) {
    if (!isManaged(resource.tags) || resource.state === 'terminated' || resource.state === 'terminating') continue;
    const reason = sweepReason(resource, now, options.olderThanMs);
    if (reason !== undefined) candidates.push({ resource, reason });
  }
  if (options.dryRun === false) {
    await Promise.all(
      candidates.map(async (candidate) => {
        try {
          await registry.get(candidate.resource.provider).terminate(candidate.resource.id, options.signal ? { signal: options.signal } : {});
          candidate.terminated = true;
        } catch (error) {
          candidate.terminated = false;
          candidate.error = toRunctlError(error, candidate.resource.provider).message;
        }
      }),
    );
  }
  return { candidates, failures };
}

function sweepReason(resource: ResourceStatus, now: Date, olderThanMs: number | undefined): string | undefined {
  const expiresAt = resource.expiresAt ?? expiresAtFromTags(resource.tags);
  if (expiresAt !== undefined && expiresAt.getTime() <= now.getTime()) return `expired at ${expiresAt.toISOString()}`;
  if (olderThanMs === undefined) return undefined;
  const createdTag = resource.tags[RUNCTL_TAGS.createdAt];
  const created = createdTag === undefined ? resource.launchTime : new Date(createdTag);
  if (created === undefined || Number.isNaN(created.getTime())) return undefined;
  const age = now.getTime() - created.getTime();
  return age > olderThanMs ? `created ${Math.round(age / 60_000)} min ago, older than the limit` : undefined;
}
