/**
 * Python source for a run. Lyceum's Python runs have no argv and no env
 * field, so both go into the code: one line in front of the user's script
 * that sets `sys.argv` and updates `os.environ`. Values are embedded as JSON
 * literals (every JSON string is a valid Python string literal), never by
 * splicing raw text into code.
 */

/** What to put around the user's code. */
export interface PythonPreamble {
  /** `sys.argv`, program name first. */
  argv: readonly string[];
  /** Added to `os.environ` (never secrets: the code is stored by Lyceum). */
  environment: Readonly<Record<string, string>>;
}

const FUTURE_IMPORT = /^\s*from\s+__future__\s+import\b/m;

/** The user's script with the preamble in front (on one line, so tracebacks shift by one). */
export function pythonScriptCode(source: string, fileName: string, preamble: PythonPreamble): string {
  const setup = preambleLine(preamble);
  if (!FUTURE_IMPORT.test(source)) return `${setup}\n${source}`;
  // `from __future__` must open a module, so the script is compiled on its own as `__main__`.
  return [
    setup,
    `__runctl_source = ${literal(source)}`,
    `exec(compile(__runctl_source, ${literal(fileName)}, "exec"), {"__name__": "__main__", "__file__": ${literal(fileName)}, "__builtins__": __builtins__})`,
    '',
  ].join('\n');
}

/** Code that runs an argv (no shell unless the argv asks for one) and exits with its code. */
export function pythonCommandCode(command: readonly string[], preamble: PythonPreamble): string {
  return [
    preambleLine(preamble),
    'import subprocess',
    `_runctl_code = subprocess.call(${literal(command)})`,
    // A child killed by signal N comes back as -N; report 128+N like a shell.
    'sys.exit(128 - _runctl_code if _runctl_code < 0 else _runctl_code)',
    '',
  ].join('\n');
}

function preambleLine(preamble: PythonPreamble): string {
  const parts = ['import os, sys', `sys.argv = ${literal(preamble.argv)}`];
  if (Object.keys(preamble.environment).length > 0) parts.push(`os.environ.update(${literal(preamble.environment)})`);
  return parts.join('; ');
}

/** A JSON literal, which Python reads as the same str, list or dict. */
function literal(value: unknown): string {
  return JSON.stringify(value);
}
