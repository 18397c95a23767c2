import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { parseInput } from './parse-input.ts';
import { createResourceOptionsSchema, trainingJobSchema } from './provider-inputs.ts';

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (InvalidInputError.isInstance(error)) return error.field;
    throw error;
  }
  return undefined;
}

describe('parseInput', () => {
  it('returns parsed values, with durations in milliseconds', () => {
    const job = parseInput(trainingJobSchema, { command: 'python train.py', maxRuntime: '2h' }, 'job');
    expect(job.maxRuntime).toBe(7_200_000);
  });

  it.each([
    [{ command: ['x'], maxRuntime: 'soon' }, 'job.maxRuntime'],
    [{}, 'job.script'],
    [{ script: 'a.py', command: 'b' }, 'job.command'],
    [{ command: ['python', 'x\0y'] }, 'job.command[1]'],
    [{ command: ['ok'], args: ['fine', '\ud800'] }, 'job.args[1]'],
    [{ command: ['ok'], environment: { '1BAD': 'x' } }, 'job.environment.1BAD'],
    [{ command: ['ok'], secrets: { TOKEN: 'a' }, environment: { TOKEN: 'b' } }, 'job.secrets.TOKEN'],
    [{ command: ['ok'], unknownOption: true }, 'job'],
    [{ command: ['ok'], name: 'has space' }, 'job.name'],
  ])('names the field for %j', (input, field) => {
    expect(fieldOf(() => parseInput(trainingJobSchema, input, 'job'))).toBe(field);
  });

  it('names nested option fields and puts them in the message', () => {
    try {
      parseInput(createResourceOptionsSchema, { tags: { 'runctl:managed': 'x' } }, 'options', 'local');
      expect.unreachable();
    } catch (error) {
      expect(InvalidInputError.isInstance(error)).toBe(true);
      const invalid = error as InvalidInputError;
      expect(invalid.field).toBe('options.tags.runctl:managed');
      expect(invalid.message).toContain('options.tags.runctl:managed');
      expect(invalid.provider).toBe('local');
    }
  });

  it('never echoes secret values in validation messages', () => {
    try {
      parseInput(trainingJobSchema, { command: ['x'], secrets: { API_KEY: 12345678 } }, 'job');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('12345678');
    }
  });
});
