import { RunctlError } from '@runctl/core';

/** Where a VM's SSH server listens. */
export interface SshEndpoint {
  host: string;
  port: number;
}

/**
 * Parses a VM's `ip_address`, which Lyceum reports as `host` on some VMs and
 * `host:port` on others. Also takes `[v6]:port` and a bare IPv6 literal.
 * Returns `undefined` while it is null or empty (a ready VM may have no IP
 * yet); a malformed port is an error rather than a guess.
 */
export function parseIpAddress(value: string | null | undefined, provider?: string): SshEndpoint | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return undefined;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(.*))?$/.exec(text);
  if (bracketed !== null) return { host: bracketed[1] as string, port: parsePort(bracketed[2], text, provider) };
  const colons = text.split(':').length - 1;
  if (colons >= 2) return { host: text, port: 22 }; // bare IPv6
  const [host, port] = colons === 1 ? text.split(':') : [text, undefined];
  if (host === undefined || host === '' || /[\s/@]/.test(host)) throw malformed(text, provider);
  return { host, port: parsePort(port, text, provider) };
}

function parsePort(port: string | undefined, text: string, provider?: string): number {
  if (port === undefined) return 22;
  if (!/^\d{1,5}$/.test(port)) throw malformed(text, provider);
  const number = Number(port);
  if (number < 1 || number > 65_535) throw malformed(text, provider);
  return number;
}

function malformed(text: string, provider?: string): RunctlError {
  return new RunctlError({ code: 'PROVIDER', provider, message: `Lyceum reported a VM address runctl cannot read: ${JSON.stringify(text.slice(0, 100))}.` });
}
