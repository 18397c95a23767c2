import { readFile } from 'node:fs/promises';
import { RunctlError } from '@runctl/core';
import { agentScript, quoteArg } from '@runctl/agent';

/** EC2 limits user data to 16 KB before base64. */
export const USER_DATA_LIMIT = 16 * 1024;

/** What the user data of one instance does. */
export interface UserDataOptions {
  /** Workspace on the instance (`~/…` is the data-plane user's home). */
  workspace: string;
  /** The SSH login the workspace belongs to; undefined for SSM (root). */
  runAs?: string | undefined;
  /** Hard lifetime in whole minutes; undefined for none. */
  lifetimeMinutes?: number | undefined;
  /** Start the spot watcher. */
  spot: boolean;
  /** Seconds between interruption-notice polls. */
  spotPollSeconds: number;
  /** Seconds a preempted job gets before its checkpoints are synced anyway. */
  spotGraceSeconds: number;
}

let assets: Promise<{ template: string; watcher: string }> | undefined;

/** Read lazily (on the first launch), so importing the package does no I/O. */
function loadAssets(): Promise<{ template: string; watcher: string }> {
  assets ??= Promise.all([
    readFile(new URL('../assets/user-data.sh', import.meta.url), 'utf8'),
    readFile(new URL('../assets/spot-watcher.sh', import.meta.url), 'utf8'),
  ]).then(([template, watcher]) => ({ template, watcher }));
  return assets;
}

/**
 * The user data script: a fixed template (assets/user-data.sh) preceded by
 * value assignments, each value quoted by the agent's `quoteArg`. It writes
 * the job agent into the workspace, sets the hard lifetime with
 * `shutdown -h +N` (the instance's shutdown behavior makes that a
 * termination), starts the spot watcher on Spot instances and makes sure
 * the AWS CLI is there. It holds no credential.
 */
export async function buildUserData(options: UserDataOptions): Promise<string> {
  const [{ template, watcher }, agent] = await Promise.all([loadAssets(), agentScript()]);
  const values: Array<[string, string]> = [
    ['workspace', options.workspace],
    ['run_as', options.runAs ?? ''],
    ['lifetime_minutes', options.lifetimeMinutes === undefined ? '' : String(options.lifetimeMinutes)],
    ['poll_seconds', String(options.spotPollSeconds)],
    ['grace_seconds', String(options.spotGraceSeconds)],
    ['agent_file', `agent-${agent.version}.sh`],
    ['agent_text', agent.text],
    ['watcher_text', options.spot ? watcher : ''],
  ];
  const assignments = values.map(([name, value]) => `${name}=${quoteArg(value, `userData.${name}`)}\n`).join('');
  // A replacer function: a replacement string would turn the agent's `$$` into `$`.
  const script = template.replace('# @runctl-values@\n', () => assignments);
  const size = Buffer.byteLength(script);
  if (size > USER_DATA_LIMIT) {
    throw new RunctlError({ code: 'PROVIDER', message: `The user data grew to ${size} bytes; EC2 allows ${USER_DATA_LIMIT}.` });
  }
  return script;
}

/** Minutes for `shutdown -h +N`: rounded up, at least 1. */
export function lifetimeMinutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}
