import type { FakeRunScript, FakeSubmission } from './fake-types.ts';

/**
 * What a run does when no handler decides: it runs nothing and prints a
 * deterministic description of what was submitted, then exits 0.
 *
 * Python: `fake-lyceum: python <file> on <type>`, `argv: [...]` (the injected
 * `sys.argv`), `files: <import_files paths>`.
 * Docker: `fake-lyceum: docker run <image> on <type>`, `cmd: [...]`,
 * `env: <variable names>` (names only; values may be secrets).
 */
export function defaultRunScript(submission: FakeSubmission): FakeRunScript {
  const lines: string[] = [];
  if (submission.kind === 'python') {
    lines.push(`fake-lyceum: python ${submission.fileName ?? '<inline>'} on ${submission.executionType}`);
    if (submission.argv) lines.push(`argv: ${JSON.stringify(submission.argv)}`);
    const files = Object.keys(submission.importFiles).sort();
    if (files.length > 0) lines.push(`files: ${files.join(' ')}`);
  } else {
    lines.push(`fake-lyceum: docker run ${submission.image} on ${submission.executionType}`);
    if (submission.command) lines.push(`cmd: ${JSON.stringify(submission.command)}`);
    const names = Object.keys(submission.env).sort();
    if (names.length > 0) lines.push(`env: ${names.join(' ')}`);
  }
  return { lines, outcome: 'completed' };
}
