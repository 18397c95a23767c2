import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseInjectedArgv } from '../testing/python-argv.ts';
import { pythonCommandCode, pythonScriptCode } from './python-code.ts';

const hasPython = spawnSync('python3', ['-c', 'pass']).status === 0;
const NASTY = ['plain', 'with space', `quote ' and " and \\`, 'line\nbreak\ttab', '$(rm -rf /) `id` ;|&', 'é ü 中文 🚀', '\u2028\u2029', '"]; import os; os.system("x"); ["'];

function runPython(code: string): { status: number | null; stdout: string } {
  const result = spawnSync('python3', ['-c', code], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout };
}

describe('python code for runs', () => {
  it('puts argv in sys.argv as a literal list Lyceum clients recognise', () => {
    const code = pythonScriptCode('print(1)\n', 'train.py', { argv: ['train.py', ...NASTY], environment: {} });
    expect(parseInjectedArgv(code)).toEqual(['train.py', ...NASTY]);
    expect(code.split('\n')).toHaveLength(3); // one preamble line, then the script
  });

  it.skipIf(!hasPython)('python3 sees exactly the argv and environment given', () => {
    const script = 'import json, os, sys\nprint(json.dumps({"argv": sys.argv, "env": os.environ.get("RUNCTL_TEST")}))\n';
    const code = pythonScriptCode(script, 'train.py', { argv: ['train.py', ...NASTY], environment: { RUNCTL_TEST: NASTY.join('|') } });
    const result = runPython(code);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ argv: ['train.py', ...NASTY], env: NASTY.join('|') });
  });

  it.skipIf(!hasPython)('keeps `from __future__` imports working and __name__ == "__main__"', () => {
    const script = '"""doc"""\nfrom __future__ import annotations\nimport sys\nif __name__ == "__main__":\n    print(sys.argv[1:], __file__)\n';
    const result = runPython(pythonScriptCode(script, 'pkg/train.py', { argv: ['pkg/train.py', 'a b'], environment: {} }));
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe("['a b'] pkg/train.py");
  });

  it.skipIf(!hasPython)('runs a command argv without a shell and passes its exit code through', () => {
    const code = pythonCommandCode(['python3', '-c', 'import sys; print(sys.argv[1:]); sys.exit(3)', ...NASTY.slice(0, 3)], { argv: ['cmd.py'], environment: {} });
    const result = runPython(code);
    expect(result.stdout.trim()).toBe(`['plain', 'with space', 'quote \\' and " and \\\\']`);
    expect(result.status).toBe(3);
  });
});
