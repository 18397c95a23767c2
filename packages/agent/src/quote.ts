import { InvalidInputError } from '@runctl/core';

/**
 * Quotes one argument for a POSIX shell: the shell reads it back as exactly
 * these characters, with nothing expanded. This is the only place runctl
 * turns data into shell code; everything else passes argv arrays here.
 *
 * Throws `INVALID_INPUT` for a NUL byte (no shell or argv can carry one) and
 * for lone UTF-16 surrogates (they have no UTF-8 encoding, so they would
 * arrive changed).
 *
 * @example
 * ```ts
 * quoteArg("it's $(rm -rf /)"); // 'it'\''s $(rm -rf /)'
 * ```
 */
export function quoteArg(value: string, field = 'argument'): string {
  if (value.includes('\0')) {
    throw new InvalidInputError({ field, message: `Invalid ${field}: it contains a NUL byte, which no command line can carry.` });
  }
  if (!value.isWellFormed()) {
    throw new InvalidInputError({ field, message: `Invalid ${field}: it contains a lone UTF-16 surrogate, which has no UTF-8 form.` });
  }
  if (value !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Quotes a whole argv into one shell command line. */
export function quoteArgv(argv: readonly string[], field = 'argv'): string {
  return argv.map((value, index) => quoteArg(value, `${field}[${index}]`)).join(' ');
}
