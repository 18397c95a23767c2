import { randomBytes } from 'node:crypto';

/** What runctl writes into the name of a pod it creates. */
export interface PodNameParts {
  /** The resource name the user asked for (or the generated one). */
  name: string;
  /** Unique per `createResource` call: how a retried create finds the pod an earlier attempt made. */
  launchId: string;
  /** The resource's hard lifetime, if one was set. */
  expiresAt?: Date | undefined;
}

const LAUNCH_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const PATTERN = /^runctl-([a-z0-9]{10})-(\d{8}T\d{6}Z|noexp)-(.+)$/;

/** 10 random characters of `[a-z0-9]` (about 51 bits). */
export function newLaunchId(): string {
  const bytes = randomBytes(10);
  return [...bytes].map((byte) => LAUNCH_ID_ALPHABET[byte % LAUNCH_ID_ALPHABET.length]).join('');
}

/**
 * The pod name: `runctl-<launchId>-<expiry>-<name>`, where expiry is UTC
 * `YYYYMMDDTHHMMSSZ` or `noexp`. Pods cannot carry tags in REST v2, so the
 * name is what a sweep (or a person in the console) reads first.
 *
 * @example
 * ```ts
 * formatPodName({ name: 'bert', launchId: 'k3j9x2m1pq', expiresAt: new Date('2026-11-26T14:00:00Z') });
 * // 'runctl-k3j9x2m1pq-20261126T140000Z-bert'
 * ```
 */
export function formatPodName(parts: PodNameParts): string {
  const expiry = parts.expiresAt === undefined ? 'noexp' : parts.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return `runctl-${parts.launchId}-${expiry}-${parts.name}`;
}

/** The parts of a name made by {@link formatPodName}; `undefined` for any other pod name. */
export function parsePodName(podName: string): PodNameParts | undefined {
  const match = PATTERN.exec(podName);
  if (match === null) return undefined;
  const [, launchId, expiry, name] = match as unknown as [string, string, string, string];
  if (expiry === 'noexp') return { name, launchId };
  const iso = `${expiry.slice(0, 4)}-${expiry.slice(4, 6)}-${expiry.slice(6, 8)}T${expiry.slice(9, 11)}:${expiry.slice(11, 13)}:${expiry.slice(13, 15)}Z`;
  const expiresAt = new Date(iso);
  return Number.isNaN(expiresAt.getTime()) ? undefined : { name, launchId, expiresAt };
}
