import { randomBytes } from 'node:crypto';
import { AwsApiError } from './aws-api-error.ts';
import type { QueryObject } from './ec2-query-parser.ts';
import { escapeXml } from './ec2-xml.ts';

const STS_VERSION = '2011-06-15';
const STS_NAMESPACE = `https://sts.amazonaws.com/doc/${STS_VERSION}/`;

/** Where the denial happened, for the document STS decodes. */
export interface DenialContext {
  service: string;
  action: string;
  region: string;
  accountId: string;
  explicitDeny: boolean;
}

/**
 * The encoded authorization messages the fake has handed out, and what each
 * decodes to. Real EC2 encrypts the document; ours is a random token that
 * only this fake's STS can turn back into it.
 */
export class DenialLedger {
  readonly #documents = new Map<string, string>();

  /** A new encoded message for a denial (or `encoded` itself, when a test chose it). */
  issue(context: DenialContext, encoded = randomBytes(180).toString('base64url')): string {
    const account = context.accountId;
    this.#documents.set(
      encoded,
      JSON.stringify({
        allowed: false,
        explicitDeny: context.explicitDeny,
        matchedStatements: { items: [] },
        failures: { items: [] },
        context: {
          principal: { id: 'AIDAFAKEUSER0000000000', name: 'runctl-test', arn: `arn:aws:iam::${account}:user/runctl-test` },
          action: `${context.service}:${context.action}`,
          resource: context.service === 'ec2' ? `arn:aws:ec2:${context.region}:${account}:instance/*` : `arn:aws:${context.service}:${context.region}:${account}:*`,
          conditions: { items: [{ key: 'aws:Region', values: { items: [{ value: context.region }] } }] },
        },
      }),
    );
    return encoded;
  }

  decode(encoded: string): string | undefined {
    return this.#documents.get(encoded);
  }
}

/** STS (Query protocol, like EC2): only DecodeAuthorizationMessage, which is all runctl calls. */
export function handleSts(ledger: DenialLedger, action: string, version: string, params: QueryObject, requestId: string): string {
  if (version !== STS_VERSION) throw new AwsApiError('InvalidAction', `Could not find operation ${action} for version ${version || 'NO_VERSION_SPECIFIED'}`);
  if (action !== 'DecodeAuthorizationMessage') throw new AwsApiError('InvalidAction', `Could not find operation ${action} for version ${version}`);
  const encoded = params['EncodedMessage'];
  if (typeof encoded !== 'string' || encoded.length === 0) {
    throw new AwsApiError('ValidationError', "1 validation error detected: Value null at 'encodedMessage' failed to satisfy constraint: Member must not be null");
  }
  const decoded = ledger.decode(encoded);
  if (decoded === undefined) throw new AwsApiError('InvalidAuthorizationMessageException', 'The encoded authorization message is invalid.');
  return (
    `<DecodeAuthorizationMessageResponse xmlns="${STS_NAMESPACE}"><DecodeAuthorizationMessageResult>` +
    `<DecodedMessage>${escapeXml(decoded)}</DecodedMessage></DecodeAuthorizationMessageResult>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></DecodeAuthorizationMessageResponse>`
  );
}

/** The awsQuery error envelope STS uses (EC2 has its own). */
export function stsErrorXml(code: string, message: string, status: number, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${STS_NAMESPACE}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
    `<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
