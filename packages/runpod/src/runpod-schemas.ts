import { createResourceOptionsSchema, hoursSchema, safeStringSchema } from '@runctl/core';

// zod is reached through @runctl/core's exported schemas: it is not a direct
// dependency of this package, and every schema here builds on core's.

/** An empty strict-able object schema to `.extend()`. */
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
