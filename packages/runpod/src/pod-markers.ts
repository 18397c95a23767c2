import { managedTags } from '@runctl/core';
import type { RunpodPod } from './runpod-api-types.ts';
import { parsePodName } from './pod-name.ts';

/**
 * Container environment variables that carry the runctl markers of a pod
 * (REST v2 pods have no tags). They are readable in `GET /v2/pods` and inside
 * the pod; none of them is secret.
 */
export const MARKER_ENV = {
  managed: 'RUNCTL_MANAGED',
  name: 'RUNCTL_NAME',
  createdAt: 'RUNCTL_CREATED_AT',
  expiresAt: 'RUNCTL_EXPIRES_AT',
  launchId: 'RUNCTL_LAUNCH_ID',
  spot: 'RUNCTL_SPOT',
  /** The user's tags as a JSON object. */
  tags: 'RUNCTL_TAGS',
} as const;

/** Tag key of the launch id (a `runctl:` key, so reserved). */
export const LAUNCH_ID_TAG = 'runctl:launch-id';

/** What runctl records about a pod it creates. */
export interface PodMarkers {
  name: string;
  launchId: string;
  createdAt: Date;
  expiresAt?: Date | undefined;
  spot: boolean;
  tags: Readonly<Record<string, string>>;
}

/** The marker variables for a new pod. */
export function markerEnv(markers: PodMarkers): Record<string, string> {
  return {
    [MARKER_ENV.managed]: 'true',
    [MARKER_ENV.name]: markers.name,
    [MARKER_ENV.createdAt]: markers.createdAt.toISOString(),
    ...(markers.expiresAt ? { [MARKER_ENV.expiresAt]: markers.expiresAt.toISOString() } : {}),
    [MARKER_ENV.launchId]: markers.launchId,
    ...(markers.spot ? { [MARKER_ENV.spot]: 'true' } : {}),
    ...(Object.keys(markers.tags).length > 0 ? { [MARKER_ENV.tags]: JSON.stringify(markers.tags) } : {}),
  };
}

/** What a pod says about itself: name, tags (runctl's and the user's), expiry, spot. */
export interface PodIdentity {
  name: string;
  managed: boolean;
  tags: Record<string, string>;
  expiresAt?: Date;
  spot: boolean;
}

/**
 * Reads the markers back: the env first (complete), then the pod name
 * (survives an env edit). A pod runctl did not create keeps its own name
 * and has no tags.
 */
export function podIdentity(pod: RunpodPod): PodIdentity {
  const env = pod.env ?? {};
  const fromName = parsePodName(pod.name);
  const managed = env[MARKER_ENV.managed] === 'true' || fromName !== undefined;
  if (!managed) return { name: pod.name, managed: false, tags: {}, spot: false };
  const name = env[MARKER_ENV.name] ?? fromName?.name ?? pod.name;
  const expiresAt = validDate(env[MARKER_ENV.expiresAt]) ?? fromName?.expiresAt;
  const createdAt = validDate(env[MARKER_ENV.createdAt]) ?? validDate(pod.createdAt ?? undefined) ?? new Date(0);
  const launchId = env[MARKER_ENV.launchId] ?? fromName?.launchId;
  const tags: Record<string, string> = {
    ...userTags(env[MARKER_ENV.tags]),
    ...managedTags({ name, createdAt, expiresAt }),
    ...(launchId ? { [LAUNCH_ID_TAG]: launchId } : {}),
  };
  return { name, managed, tags, ...(expiresAt ? { expiresAt } : {}), spot: env[MARKER_ENV.spot] === 'true' };
}

function userTags(json: string | undefined): Record<string, string> {
  if (json === undefined) return {};
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && !entry[0].startsWith('runctl:')));
  } catch {
    return {};
  }
}

function validDate(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

