import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './usage-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command accepts. */
export const GLOBAL_OPTIONS = {
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  provider: { type: 'string', short: 'p' },
} as const satisfies Options;

/**
 * Parses a command's flags strictly (unknown flags are usage errors). Words
 * after a bare `--` are returned separately, untouched: they belong to the job.
 */
export function parseCommandArgs<T extends Options>(argv: readonly string[], options: T, settings: { stopAtCommand?: boolean } = {}) {
  const all = { ...GLOBAL_OPTIONS, ...options };
  const separator = argv.indexOf('--');
  let own = separator === -1 ? [...argv] : argv.slice(0, separator);
  const passthrough = separator === -1 ? [] : argv.slice(separator + 1);
  // `runctl train [flags] python train.py -v`: flags end at the command, like `docker run`.
  const commandAt = settings.stopAtCommand ? firstPositional(own, all) : -1;
  const command = commandAt === -1 ? [] : own.slice(commandAt);
  if (commandAt !== -1) own = own.slice(0, commandAt);
  try {
    const parsed = parseArgs({ args: own, options: all, allowPositionals: true, strict: true });
    return { values: parsed.values, positionals: [...parsed.positionals, ...command], passthrough };
  } catch (error) {
    throw usageError((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** Index of the first word that is neither a flag nor a flag's value. */
function firstPositional(argv: readonly string[], options: Options): number {
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] as string;
    if (!word.startsWith('-') || word === '-') return index;
    if (word.includes('=')) continue;
    const long = word.startsWith('--') ? word.slice(2) : undefined;
    const spec = long !== undefined ? options[long] : Object.values(options).find((option) => option.short === word.slice(1));
    if (spec?.type === 'string') index++;
  }
  return -1;
}
