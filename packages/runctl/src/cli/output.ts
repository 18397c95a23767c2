import type { Writable } from 'node:stream';
import { RunctlError } from '@runctl/core';

/** Where and how the CLI writes: plain lines, tables, JSON, and spinners on a TTY only. */
export class Output {
  readonly json: boolean;
  readonly debug: boolean;
  readonly interactive: boolean;
  readonly color: boolean;
  readonly #out: Writable;
  readonly #err: Writable;

  constructor(options: { json: boolean; debug: boolean; stdout?: Writable & { isTTY?: boolean }; stderr?: Writable & { isTTY?: boolean }; env?: NodeJS.ProcessEnv }) {
    const env = options.env ?? process.env;
    const stdout = options.stdout ?? process.stdout;
    const stderr = options.stderr ?? process.stderr;
    this.json = options.json;
    this.debug = options.debug;
    this.#out = stdout;
    this.#err = stderr;
    this.interactive = stderr.isTTY === true && env.CI === undefined && env.TERM !== 'dumb';
    this.color = stdout.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  }

  line(text = ''): void {
    this.#out.write(`${text}\n`);
  }

  /** Progress and notes go to stderr, so stdout stays clean for pipes. */
  note(text: string): void {
    this.#err.write(`${text}\n`);
  }

  write(text: string): void {
    this.#out.write(text);
  }

  data(value: unknown): void {
    this.#out.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  dim(text: string): string {
    return this.color ? `\x1b[2m${text}\x1b[22m` : text;
  }

  bold(text: string): string {
    return this.color ? `\x1b[1m${text}\x1b[22m` : text;
  }

  red(text: string): string {
    return this.color ? `\x1b[31m${text}\x1b[39m` : text;
  }

  green(text: string): string {
    return this.color ? `\x1b[32m${text}\x1b[39m` : text;
  }

  /** A left-aligned text table. */
  table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string>>): void {
    const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
    const format = (cells: ReadonlyArray<string>): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
    this.line(this.bold(format(headers)));
    for (const row of rows) this.line(format(row));
  }

  /** Runs `work` with a spinner on stderr when interactive; plain otherwise. */
  async spin<T>(label: string | (() => string), work: () => Promise<T>): Promise<T> {
    if (!this.interactive) return work();
    const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let frame = 0;
    const render = (): void => {
      this.#err.write(`\r\x1b[K${frames[frame++ % frames.length]} ${typeof label === 'string' ? label : label()}`);
    };
    render();
    const timer = setInterval(render, 80);
    try {
      return await work();
    } finally {
      clearInterval(timer);
      this.#err.write('\r\x1b[K');
    }
  }

  /** One clear line (plus a hint); the stack only with --debug. */
  error(error: unknown): void {
    const runctl = RunctlError.isInstance(error);
    const message = error instanceof Error ? error.message : String(error);
    const where = runctl && error.provider ? `${error.provider}: ` : '';
    this.#err.write(`${this.red('error')} ${where}${message}\n`);
    if (runctl && error.hint) this.#err.write(`${this.dim(`hint: ${error.hint}`)}\n`);
    if (this.debug && error instanceof Error) {
      this.#err.write(`${error.stack ?? ''}\n`);
      if (error.cause !== undefined) this.#err.write(`caused by: ${error.cause instanceof Error ? (error.cause.stack ?? error.cause.message) : String(error.cause)}\n`);
    } else if (!runctl) {
      this.#err.write(`${this.dim('hint: run again with --debug for details')}\n`);
    }
  }
}
