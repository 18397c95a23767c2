import type { EnvProviderRegistry } from '../registry-from-env.ts';
import type { Output } from './output.ts';

/** What every command gets. */
export interface CommandContext {
  output: Output;
  registry: EnvProviderRegistry;
  env: NodeJS.ProcessEnv;
  /** Fires on Ctrl-C. */
  signal: AbortSignal;
}

/** One `runctl <name>` command. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: readonly string[], context: CommandContext): Promise<number>;
}
