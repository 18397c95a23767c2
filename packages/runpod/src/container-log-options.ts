import { InvalidInputError, createResourceOptionsSchema, durationSchema, integerSchema, oneOfSchema, parseInput, textSchema, z } from '@runctl/core';
import type { ContainerLogOptions, ResolvedContainerLogOptions } from './container-logs.ts';

const schema = z.strictObject({
  signal: createResourceOptionsSchema.shape.signal,
  source: z.optional(oneOfSchema(['container', 'system', 'all'] as const)),
  tail: z.optional(integerSchema(0, 5_000)),
  cursor: z.optional(textSchema),
  follow: z.optional(z.boolean()),
  idleTimeout: z.optional(durationSchema),
});

/** Validates {@link ContainerLogOptions}; errors name the field (`options.tail`). */
export function resolveContainerLogOptions(options: ContainerLogOptions, provider: string): ResolvedContainerLogOptions {
  const { since, ...rest } = options;
  const parsed = parseInput(schema, rest, 'options', provider);
  return {
    source: parsed.source ?? 'container',
    tail: parsed.tail,
    since: since === undefined ? undefined : sinceOf(since, provider),
    cursor: parsed.cursor,
    follow: parsed.follow ?? true,
    idleTimeoutMs: parsed.idleTimeout ?? 1_000,
    signal: parsed.signal,
  };
}

/** RFC 3339, as the API wants it. */
function sinceOf(since: Date | string, provider: string): string {
  const date = since instanceof Date ? since : typeof since === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(since) ? new Date(since) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new InvalidInputError({ field: 'options.since', provider, message: 'Invalid options.since: expected a Date or an RFC 3339 time such as 2026-06-01T12:00:00Z.' });
  }
  return date.toISOString();
}
