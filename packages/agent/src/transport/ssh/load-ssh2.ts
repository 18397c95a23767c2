import type * as Ssh2 from 'ssh2';

let loading: Promise<typeof Ssh2> | undefined;

/**
 * ssh2, loaded on first use. Importing it costs ~65 ms, which the local
 * provider and everyone who never opens an SSH connection should not pay.
 */
export function loadSsh2(): Promise<typeof Ssh2> {
  loading ??= import('ssh2').then((module) => (module as unknown as { default: typeof Ssh2 }).default);
  return loading;
}
