import { InvalidInputError } from '@runctl/core';
import { quoteArg, quoteArgv } from './quote.ts';

/**
 * The `command` file the supervisor sources: it execs the argv, quoted by
 * {@link quoteArgv}. A leading `python3` falls back to `python` on machines
 * that only have that.
 */
export function commandFile(argv: readonly string[], options: { exec?: boolean } = {}): string {
  if (argv.length === 0) throw new InvalidInputError({ field: 'argv', message: 'Invalid argv: it is empty.' });
  const prefix = options.exec === false ? '' : 'exec ';
  if (argv[0] === 'python3') {
    const rest = quoteArgv(argv.slice(1));
    return `if command -v python3 >/dev/null 2>&1; then ${prefix}python3 ${rest}; else ${prefix}python ${rest}; fi\n`;
  }
  return `${prefix}${quoteArgv(argv)}\n`;
}

/** The `env` file: one `export NAME='value'` line per variable. */
export function envFile(variables: Readonly<Record<string, string>>): string {
  let text = '';
  for (const [name, value] of Object.entries(variables)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new InvalidInputError({ field: `environment.${name}`, message: `Invalid environment.${name}: not a valid variable name.` });
    }
    text += `export ${name}=${quoteArg(value, `environment.${name}`)}\n`;
  }
  return text;
}
