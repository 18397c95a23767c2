import { describe, expect, it } from 'vitest';
import { parseInjectedArgv } from './python-argv.ts';

describe('parseInjectedArgv', () => {
  it('reads JSON-style and Python-style string lists', () => {
    expect(parseInjectedArgv('import sys; sys.argv = ["a.py", "--x", "1"]\nmain()')).toEqual(['a.py', '--x', '1']);
    expect(parseInjectedArgv("import sys\nsys.argv = ['a.py', 'say \\'hi\\'', \"tab\\there\", '\\u00e9']")).toEqual(['a.py', "say 'hi'", 'tab\there', 'é']);
    expect(parseInjectedArgv('sys.argv = []')).toEqual([]);
  });

  it('gives null when there is no plain literal list', () => {
    expect(parseInjectedArgv('print(1)')).toBeNull();
    expect(parseInjectedArgv('sys.argv = [name, "x"]')).toBeNull();
    expect(parseInjectedArgv('sys.argv = ["unterminated')).toBeNull();
  });
});
