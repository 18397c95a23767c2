import { createRegistryFromEnv } from '../registry-from-env.ts';
import { costCommand } from './commands/cost.ts';
import { createCommand } from './commands/create.ts';
import { downloadCommand } from './commands/download.ts';
import { gpusCommand } from './commands/gpus.ts';
import { logsCommand } from './commands/logs.ts';
import { lsCommand } from './commands/ls.ts';
import { providersCommand } from './commands/providers.ts';
import { statusCommand } from './commands/status.ts';
import { sweepCommand } from './commands/sweep.ts';
import { terminateCommand } from './commands/terminate.ts';
import { trainCommand } from './commands/train.ts';
import type { Command } from './context.ts';
import { EXIT_CODES, exitCodeFor } from './exit-codes.ts';
import { Output } from './output.ts';

export const COMMANDS: readonly Command[] = [
  providersCommand,
  createCommand,
  trainCommand,
  logsCommand,
  statusCommand,
  lsCommand,
  downloadCommand,
  terminateCommand,
  costCommand,
  gpusCommand,
  sweepCommand,
];

const VERSION = '0.1.0';

function helpText(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'runctl: run ML training on any GPU provider',
    '',
    'usage: runctl <command> [options]',
    '',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Resources are written provider:id (e.g. local:local-3f9a1c0e2b, runpod:xedezhzb9la3ye).',
    'Every command takes --json for machine-readable output, --debug for stack traces, -h for its usage.',
    'Exit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 auth, 5 capacity/quota, 6 timeout, 7 rate limited,',
    "8 provider error, 130 interrupted; `train -f` and `logs -f` exit with the job's own exit code.",
  ].join('\n');
}

/** Runs one CLI invocation and returns its exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, signal: AbortSignal = new AbortController().signal): Promise<number> {
  const json = argv.includes('--json');
  const output = new Output({ json, debug: argv.includes('--debug'), env });
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    output.line(helpText());
    return name === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
  }
  if (name === '--version' || name === 'version') {
    output.line(VERSION);
    return EXIT_CODES.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    output.note(`runctl: unknown command ${JSON.stringify(name)}\n`);
    output.note(helpText());
    return EXIT_CODES.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    output.line(`${command.summary}\n\nusage: ${command.usage}`);
    return EXIT_CODES.ok;
  }
  try {
    return await command.run(rest, { output, registry: createRegistryFromEnv({ env }), env, signal });
  } catch (error) {
    output.error(error);
    return exitCodeFor(error);
  }
}
