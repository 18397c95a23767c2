// Building blocks of provider settings and option schemas, shared so that
// every provider words the same mistake the same way.
import { safeStringSchema } from './common.ts';
import { hoursSchema, pathSchema } from './provider-inputs.ts';
import * as z from './zod-mini.ts';

/** Non-empty text without NUL bytes: the same check as a path argument. */
export const textSchema = pathSchema;

/** An integer in `[min, max]`. */
export const integerSchema = (min: number, max: number) => hoursSchema.check(z.int('must be a whole number'), z.minimum(min), z.maximum(max));

/** A positive finite number. */
export const positiveSchema = hoursSchema.check(z.positive('must be greater than 0'));

/**
 * One of `values`, exactly as written, typed as such. `message` replaces the
 * default "must be one of 'a', 'b'".
 */
export const oneOfSchema = <Value extends string>(values: readonly Value[], message = `must be one of ${values.map((value) => `'${value}'`).join(', ')}`) =>
  z.pipe(
    safeStringSchema.check(z.refine((value) => (values as readonly string[]).includes(value), message)),
    z.transform((value: string) => value as Value),
  );
