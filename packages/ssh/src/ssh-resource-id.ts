import { randomBytes } from 'node:crypto';

const ID = /^ssh-([0-9a-f]{10})@([A-Za-z0-9][A-Za-z0-9._-]{0,62})$/;

/**
 * Resource ids name their host: `ssh-<10 hex>@<host name>`. Any process with
 * the same settings finds the workspace from the id alone; the id is also
 * the workspace's folder name on the host.
 */
export function newResourceId(hostName: string): string {
  return `ssh-${randomBytes(5).toString('hex')}@${hostName}`;
}

/** The host name inside an id, or `undefined` for a string that is not an ssh resource id. */
export function hostOfResourceId(id: string): string | undefined {
  return ID.exec(id)?.[2];
}
