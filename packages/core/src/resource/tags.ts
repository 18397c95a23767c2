/** Tag keys runctl writes on everything it creates, so sweeps can find it. */
export const RUNCTL_TAGS = {
  /** `'true'` on every resource runctl created. */
  managed: 'runctl:managed',
  /** The resource name the user asked for. */
  name: 'runctl:name',
  /** ISO-8601 time after which the resource should no longer exist. */
  expiresAt: 'runctl:expires-at',
  /** ISO-8601 creation time. */
  createdAt: 'runctl:created-at',
} as const;

/** Builds the runctl tags for a new resource. */
export function managedTags(options: { name: string; createdAt: Date; expiresAt?: Date | undefined }): Record<string, string> {
  const tags: Record<string, string> = {
    [RUNCTL_TAGS.managed]: 'true',
    [RUNCTL_TAGS.name]: options.name,
    [RUNCTL_TAGS.createdAt]: options.createdAt.toISOString(),
  };
  if (options.expiresAt !== undefined) tags[RUNCTL_TAGS.expiresAt] = options.expiresAt.toISOString();
  return tags;
}

/** True when the tags mark a resource runctl created. */
export function isManaged(tags: Readonly<Record<string, string>>): boolean {
  return tags[RUNCTL_TAGS.managed] === 'true';
}

/** The expiry recorded in the tags, if any and if valid. */
export function expiresAtFromTags(tags: Readonly<Record<string, string>>): Date | undefined {
  const value = tags[RUNCTL_TAGS.expiresAt];
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
