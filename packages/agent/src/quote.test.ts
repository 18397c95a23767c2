import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@runctl/core';
import { quoteArg, quoteArgv } from './quote.ts';

// Every shell the agent may meet on a machine. busybox is installed by .ci/run.
const SHELLS: Array<[string, string[]]> = [['dash', ['dash']], ['busybox sh', ['busybox', 'sh']], ['bash', ['bash']]];

/** What a shell hands to a program after parsing the quoted command line. */
function argvSeenBy(shell: string[], argv: readonly string[]): string[] {
  const script = `printf '%s\\0' ${quoteArgv(argv)}`;
  const output = execFileSync(shell[0] as string, [...shell.slice(1), '-c', script]);
  const parts = output.toString('utf8').split('\0');
  parts.pop();
  return parts;
}

const hostile = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom("'", '"', '`', '$', '(', ')', '\\', '\n', '\r', '\t', ' ', ';', '&', '|', '*', '?', '~', '#', '!', '-', '{', '}', '[', ']', '<', '>', '=', '%', 'é', '🚀', '\u202e'), maxLength: 20 }),
  fc.constantFrom('$(touch /tmp/runctl-pwned)', '`id`', "'; rm -rf / #", '--help', '-n', '-e', '\\', "''", '""', '$HOME', '${PATH}', '~', '*', 'a\nb', '-'),
).filter((value) => value.isWellFormed() && !value.includes('\0'));

describe('quoteArgv', () => {
  for (const [name, shell] of SHELLS) {
    it(`${name} receives exactly the argv it was given (property)`, () => {
      fc.assert(
        fc.property(fc.array(hostile, { minLength: 1, maxLength: 6 }), (argv) => {
          expect(argvSeenBy(shell, argv)).toEqual(argv);
        }),
        { numRuns: 150 },
      );
      // 150 shell processes: slow on a loaded 2-core CI machine, never stuck.
    }, 120_000);
  }

  it('leaves plain words bare and quotes everything else', () => {
    expect(quoteArg('train.py')).toBe('train.py');
    expect(quoteArg('--lr=0.1')).toBe('--lr=0.1');
    expect(quoteArg('')).toBe("''");
    expect(quoteArg("it's")).toBe(`'it'\\''s'`);
    expect(quoteArg('$(id)')).toBe("'$(id)'");
  });

  it('rejects a NUL byte with INVALID_INPUT naming the element', () => {
    try {
      quoteArgv(['ok', 'bad\0byte'], 'job.args');
      expect.unreachable();
    } catch (error) {
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).field).toBe('job.args[1]');
      expect((error as Error).message).toMatch(/NUL byte/);
    }
  });

  it('rejects lone surrogates, which would not arrive unchanged', () => {
    expect(() => quoteArg('\ud83d')).toThrow(/surrogate/);
  });
});
