import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createSsh, type SshHostConfig, type SshProviderSettings } from '@runctl/ssh';
import type { ProviderDetector } from '../registry-from-env.ts';

/** `~/.config/runctl/hosts.json`: either `{ "hosts": [...], ...settings }` or a bare array of hosts. */
export const sshDetector: ProviderDetector = {
  provider: 'ssh',
  detect: (env) => {
    const home = env.HOME ?? homedir();
    const configured = env.RUNCTL_SSH_HOSTS;
    const file = join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'runctl', 'hosts.json');
    let text: string;
    let source: string;
    if (configured !== undefined && configured.trim() !== '') {
      const inline = /^\s*[[{]/.test(configured);
      text = inline ? configured : readFileSync(configured, 'utf8');
      source = inline ? 'RUNCTL_SSH_HOSTS' : `RUNCTL_SSH_HOSTS (${configured})`;
    } else if (existsSync(file)) {
      text = readFileSync(file, 'utf8');
      source = file;
    } else {
      return { reason: `no hosts: write ${file} or set RUNCTL_SSH_HOSTS` };
    }
    const parsed = JSON.parse(text) as SshProviderSettings | SshHostConfig[];
    const settings: SshProviderSettings = Array.isArray(parsed) ? { hosts: parsed } : parsed;
    if (!Array.isArray(settings.hosts) || settings.hosts.length === 0) return { reason: `${source} lists no hosts` };
    return { provider: createSsh(settings), reason: `${settings.hosts.length} host(s) from ${source}` };
  },
};
