import { InvalidInputError } from '../errors/invalid-input-error.ts';
import type * as z from './zod-mini.ts';

/**
 * Validates a public input and returns the parsed value, or throws an
 * {@link InvalidInputError} whose `field` is the dotted path of the first
 * offending value, prefixed by `argument` (e.g. `job.maxRuntime`).
 */
export function parseInput<Schema extends z.ZodMiniType>(
  schema: Schema,
  value: unknown,
  argument: string,
  provider?: string,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: fieldPath(argument, issue.path),
    message: issue.message,
  }));
  const first = issues[0] ?? { field: argument, message: 'invalid value' };
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return fail(new InvalidInputError({
    field: first.field,
    message: `Invalid ${first.field}: ${first.message}${more}`,
    provider,
    issues,
  }));
}

function fieldPath(argument: string, path: readonly PropertyKey[]): string {
  let result = argument;
  for (const key of path) {
    result += typeof key === 'number' ? `[${key}]` : `${result === '' ? '' : '.'}${String(key)}`;
  }
  return result;
}

function fail(error: InvalidInputError): never {
  throw error;
}
