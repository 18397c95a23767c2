import { RunctlError } from '@runctl/core';

/** A mistake on the command line: printed with the command's usage, exit code 2. */
export function usageError(message: string, hint?: string): RunctlError {
  return new RunctlError({ code: 'INVALID_INPUT', message, hint: hint ?? 'Run `runctl help` for usage.' });
}
