import { RunctlError } from '@runctl/core';
import type { AwsClients } from './aws-clients.ts';
import { encodedAuthorizationMessage } from './aws-errors.ts';

/** How long decoding may add to an error that is already on its way to the user. */
const DECODE_TIMEOUT_MS = 5_000;

/** The parts of STS's decoded document that runctl reports. */
interface DecodedDenial {
  action: string;
  resource: string;
  explicitDeny: boolean;
}

/**
 * Adds what STS says about an IAM denial to an `AUTH` error: which action on
 * which resource was refused, and whether a Deny statement did it. Needs
 * `sts:DecodeAuthorizationMessage`; without it, or on any other failure, the
 * error comes back as it was, with its hint on how to decode it by hand.
 * Only the action, the resource and the kind of denial are kept: the decoded
 * document also names the principal and the request's condition values.
 */
export async function withDecodedDenial(error: RunctlError, clients: AwsClients, signal?: AbortSignal): Promise<RunctlError> {
  const encoded = error.code === 'AUTH' ? encodedAuthorizationMessage(error.message) : undefined;
  if (encoded === undefined) return error;
  let denial: DecodedDenial | undefined;
  try {
    const { client, sdk } = await clients.sts();
    const abortSignal = signal ? AbortSignal.any([signal, AbortSignal.timeout(DECODE_TIMEOUT_MS)]) : AbortSignal.timeout(DECODE_TIMEOUT_MS);
    const out = await client.send(new sdk.DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }), { abortSignal });
    denial = parseDecodedDenial(out.DecodedMessage);
  } catch {
    return error;
  }
  if (denial === undefined) return error;
  const { action, resource, explicitDeny } = denial;
  return new RunctlError({
    code: 'AUTH',
    provider: error.provider,
    statusCode: error.statusCode,
    message: `${error.message} (decoded: ${action} on ${resource} is ${explicitDeny ? 'explicitly denied' : 'not allowed'})`,
    hint: explicitDeny
      ? `A Deny statement (in a policy, permissions boundary or SCP) blocks ${action} on ${resource} for these credentials.`
      : `Allow ${action} on ${resource} for these credentials; docs/providers/aws.md lists the minimal policy.`,
    cause: error,
  });
}

/** Reads STS's decoded document; `undefined` unless it names an action and a resource. */
export function parseDecodedDenial(document: string | undefined): DecodedDenial | undefined {
  if (document === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return undefined;
  }
  const record = (parsed ?? {}) as { explicitDeny?: unknown; context?: { action?: unknown; resource?: unknown } };
  const action = record.context?.action;
  const resource = record.context?.resource;
  if (typeof action !== 'string' || typeof resource !== 'string') return undefined;
  return { action, resource, explicitDeny: record.explicitDeny === true };
}

/** Runs `work`; an IAM denial it throws is decoded first (see {@link withDecodedDenial}). */
export async function decodingDenials<T>(clients: AwsClients, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw RunctlError.isInstance(error) ? await withDecodedDenial(error, clients, signal) : error;
  }
}
