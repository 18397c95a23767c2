import { parseDuration } from '../util/duration.ts';
import * as z from './zod-mini.ts';

/** A {@link Duration}, parsed to milliseconds. */
export const durationSchema = z.pipe(
  z.union([z.number(), z.string()]),
  z.transform((value: number | string, payload) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      payload.issues.push({
        code: 'custom',
        message: `expected milliseconds or a duration such as '90s', '45m' or '2h', got ${JSON.stringify(value)}`,
        input: value,
      });
      return z.NEVER;
    }
    return ms;
  }),
);

/** Text that can travel through a shell argument or a file: no NUL bytes, no lone surrogates. */
export const safeStringSchema = z.string().check(
  z.refine((value) => !value.includes('\0'), 'must not contain a NUL byte'),
  z.refine((value) => value.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)'),
);

/** An environment variable name. */
export const envNameSchema = z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a valid environment variable name'));

/** A map of environment variables. */
export const envSchema = z.record(envNameSchema, safeStringSchema);

/** Resource and job names: letters, digits, `.`, `_`, `-`; up to 63 characters. */
export const nameSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit"));

/** User tags; the `runctl:` prefix is reserved. */
export const tagsSchema = z.record(
  z.string().check(
    z.minLength(1, 'tag keys must not be empty'),
    z.maxLength(128),
    z.refine((key) => !key.startsWith('runctl:'), "tag keys starting with 'runctl:' are reserved"),
  ),
  z.string().check(z.maxLength(256)),
);

export const signalSchema = z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'must be an AbortSignal');
