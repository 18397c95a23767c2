import { createResourceOptionsSchema, hoursSchema, safeStringSchema } from '@runctl/core';

// zod is reached through @runctl/core's exported schemas: it is not a direct
// dependency of this package, and every schema here builds on core's.

/** An empty object schema to `.extend()`. */
export const objectSchema = createResourceOptionsSchema.pick({});

/** A boolean. */
export const booleanSchema = createResourceOptionsSchema.shape.spot.unwrap();

/** An integer in `[min, max]`. */
export const integerSchema = (min: number, max: number) => hoursSchema.int('must be a whole number').min(min).max(max);

/** A positive finite number. */
export const positiveSchema = hoursSchema.positive('must be greater than 0');

/** Non-empty text without NUL bytes. */
export const textSchema = safeStringSchema.min(1, 'must not be empty');

/** One of `values`, exactly as written. */
export const oneOfSchema = <Value extends string>(values: readonly Value[]) =>
  safeStringSchema
    .refine((value) => (values as readonly string[]).includes(value), `must be one of ${values.map((value) => `'${value}'`).join(', ')}`)
    .transform((value) => value as Value);

/** An EC2 instance type such as `g5.xlarge`. */
export const INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;

/** An availability zone such as `us-east-1a` (or a Local Zone such as `us-west-2-lax-1a`). */
export const AVAILABILITY_ZONE_PATTERN = /^[a-z]{2}(-[a-z0-9]+)+-\d[a-z]$/;

/** An EC2 instance id. */
export const INSTANCE_ID_PATTERN = /^i-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

/** An S3 bucket name (the common DNS-compatible form). */
export const bucketSchema = textSchema.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name');
