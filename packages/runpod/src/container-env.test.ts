import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quoteArgv } from '@runctl/agent';
import { afterAll, describe, expect, it } from 'vitest';
import { containerEnvPrefix } from './container-env.ts';

describe('containerEnvPrefix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runctl-container-env-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const environ = join(dir, 'environ');
  writeFileSync(environ, ['PATH=/opt/conda/bin:/usr/bin:/bin', 'RUNPOD_POD_ID=abc123', 'PUBLIC_KEY=ssh-ed25519 AAA a\nssh-ed25519 BBB b=c', 'HOME=/nowhere', 'WEIRD-NAME=x', 'EMPTY=', ''].join('\0'));

  // What the remote shell gets: one command line, quoted by the agent's audited quoting.
  const run = (argv: string[], file = environ): string => execFileSync('sh', ['-c', quoteArgv([...containerEnvPrefix(file), ...argv])], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: '/root' } });

  it('restores the container env (multi-line values included) but keeps the session identity', () => {
    expect(run(['sh', '-c', 'printf "%s|%s|%s|%s" "$RUNPOD_POD_ID" "$HOME" "$EMPTY" "$PUBLIC_KEY"'])).toBe('abc123|/root||ssh-ed25519 AAA a\nssh-ed25519 BBB b=c');
    expect(run(['sh', '-c', 'echo "$PATH"'])).toBe('/opt/conda/bin:/usr/bin:/bin\n');
  });

  it('passes the argv through verbatim, never as shell code', () => {
    const hostile = ['$(touch /tmp/pwned)', "it's", '"; exit 3; "', 'a b', ''];
    expect(run(['printf', '%s|', ...hostile])).toBe(`${hostile.join('|')}|`);
  });

  it('runs the command unchanged when the env file is unreadable', () => {
    expect(run(['sh', '-c', 'echo "${RUNPOD_POD_ID:-none}"'], join(dir, 'missing'))).toBe('none\n');
  });
});
