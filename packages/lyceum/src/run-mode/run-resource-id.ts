import { randomBytes } from 'node:crypto';
import { InvalidInputError, RunctlError } from '@runctl/core';

/**
 * A run-mode resource. Lyceum has nothing to create for it (each `train` is
 * one execution), so it is a logical handle whose id carries everything
 * needed to use it from any process:
 *
 * ```
 * run:<execution_type>:<base64url JSON {k: nonce, n: name, c: created, e?: expires, i?: image}>
 * ```
 */
export interface RunResource {
  id: string;
  executionType: string;
  nonce: string;
  name: string;
  createdAt: Date;
  expiresAt?: Date;
  /** Docker image that `command` jobs run in; without it they run under Lyceum's Python. */
  image?: string;
}

interface Payload {
  k: string;
  n: string;
  c: number;
  e?: number;
  i?: string;
}

const PREFIX = 'run:';
const MAX_ID_LENGTH = 256;

/** True for ids of run-mode resources. */
export function isRunResourceId(id: string): boolean {
  return id.startsWith(PREFIX);
}

/** A new run-mode resource. Throws `INVALID_INPUT` on `options.image` when the id would be too long. */
export function newRunResource(fields: Omit<RunResource, 'id' | 'nonce'>, provider?: string): RunResource {
  const nonce = randomBytes(4).toString('hex');
  const payload: Payload = { k: nonce, n: fields.name, c: Math.floor(fields.createdAt.getTime() / 1000) };
  if (fields.expiresAt !== undefined) payload.e = Math.floor(fields.expiresAt.getTime() / 1000);
  if (fields.image !== undefined) payload.i = fields.image;
  const id = `${PREFIX}${fields.executionType}:${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  if (id.length > MAX_ID_LENGTH) {
    throw new InvalidInputError({ field: 'options.image', provider, message: 'Invalid options.image: the image reference is too long to fit in a resource id (keep it under about 120 characters).' });
  }
  return { ...fields, id, nonce, createdAt: new Date(payload.c * 1000), ...(payload.e === undefined ? {} : { expiresAt: new Date(payload.e * 1000) }) };
}

/** Reads a run-mode id; `NOT_FOUND` when it is not one runctl made. */
export function decodeRunResource(id: string, provider?: string): RunResource {
  const match = /^run:([A-Za-z0-9_.]+):([A-Za-z0-9_-]+)$/.exec(id);
  const payload = match === null ? undefined : parsePayload(match[2] as string);
  if (match === null || payload === undefined) {
    throw new RunctlError({ code: 'NOT_FOUND', provider, message: `No Lyceum run resource ${JSON.stringify(id.slice(0, 80))}: not a run-mode id runctl made.` });
  }
  const resource: RunResource = { id, executionType: match[1] as string, nonce: payload.k, name: payload.n, createdAt: new Date(payload.c * 1000) };
  if (payload.e !== undefined) resource.expiresAt = new Date(payload.e * 1000);
  if (payload.i !== undefined) resource.image = payload.i;
  return resource;
}

function parsePayload(token: string): Payload | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Payload>;
    const valid =
      typeof value.k === 'string' &&
      typeof value.n === 'string' &&
      typeof value.c === 'number' &&
      (value.e === undefined || typeof value.e === 'number') &&
      (value.i === undefined || typeof value.i === 'string');
    return valid ? (value as Payload) : undefined;
  } catch {
    return undefined;
  }
}
