import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AwsApiError, defaultStatusFor } from './aws-api-error.ts';
import { parseEc2Request, type Ec2Request } from './ec2-query-parser.ts';
import { ec2ErrorXml, ec2ResponseXml } from './ec2-xml.ts';
import type { FakeCloud } from './fake-cloud.ts';
import { handleEc2 } from './fake-ec2.ts';
import { handleSsm } from './fake-ssm.ts';
import { describeFault, unauthorizedMessage, type FakeAwsCall, type FakeAwsService, type FakeFault, type FaultQueue } from './faults.ts';
import { handleSts, stsErrorXml, type DenialLedger } from './fake-sts.ts';
import { newRequestId } from './ids.ts';
import type { SsmCommandRunner } from './ssm-commands.ts';
import { parseJsonBody, type JsonObject } from './ssm-json.ts';

const BODY_LIMIT = 10 * 1024 * 1024;

export interface FakeAwsServerDeps {
  cloud: FakeCloud;
  runner: SsmCommandRunner;
  faults: FaultQueue;
  calls: FakeAwsCall[];
  /** Encoded messages of injected denials, for the fake STS to decode. */
  denials: DenialLedger;
}

type ParsedCall =
  | { service: 'ec2' | 'sts'; action: string; params: Ec2Request['params']; request: Ec2Request }
  | { service: 'ssm'; action: string; params: JsonObject };

/**
 * One loopback server for EC2 (Query protocol: form-encoded POST with Action),
 * SSM (awsJson1_1: X-Amz-Target `AmazonSSM.<Action>`) and STS (Query, told
 * from EC2 by the signature's service), with fault injection in front of the handlers.
 */
export function createFakeAwsServer(deps: FakeAwsServerDeps): Server {
  return createServer((req, res) => {
    void serve(deps, req, res).catch((error: unknown) => {
      // Only a bug in the fake gets here; answer like an AWS internal error.
      console.error('fake AWS internal error', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end();
    });
  });
}

async function serve(deps: FakeAwsServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const service = serviceOf(req);
  if (!service) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('runctl fake AWS: expected an EC2 Query or SSM JSON request');
    return;
  }
  const requestId = newRequestId();
  let parsed: ParsedCall;
  try {
    checkSignature(req, service);
    parsed = parse(service, req, body);
  } catch (error) {
    respondError(res, service, toApiError(error, service), requestId);
    return;
  }
  const call: FakeAwsCall = {
    seq: deps.calls.length + 1,
    service,
    action: parsed.action,
    params: parsed.params,
    at: deps.cloud.now(),
  };
  deps.calls.push(call);
  const fault = deps.faults.take(service, parsed.action, parsed.params);
  if (fault) call.fault = describeFault(fault);
  if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault && 'reset' in fault && fault.reset === 'before') {
    req.socket.destroy();
    return;
  }
  const injected = fault ? injectedError(deps, service, fault, parsed.action) : undefined;
  if (injected) {
    finish(call, injected.status, injected.code);
    respondError(res, service, injected, requestId);
    return;
  }
  let result: { xml?: string; json?: JsonObject; error?: AwsApiError };
  try {
    if (parsed.service === 'ec2') result = { xml: ec2ResponseXml(parsed.action, requestId, handleEc2(deps.cloud, parsed.request)) };
    else if (parsed.service === 'sts') result = { xml: handleSts(deps.denials, parsed.action, parsed.request.version, parsed.params, requestId) };
    else result = { json: handleSsm(deps.cloud, deps.runner, parsed.action, parsed.params) };
  } catch (error) {
    result = { error: toApiError(error, service) };
  }
  // "after": the work is done, but the client never hears about it and retries.
  if (fault && 'reset' in fault && fault.reset === 'after') {
    req.socket.destroy();
    return;
  }
  if (result.error) {
    finish(call, result.error.status, result.error.code);
    respondError(res, service, result.error, requestId);
    return;
  }
  finish(call, 200);
  if (result.xml !== undefined) {
    res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId });
    res.end(result.xml);
  } else {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId });
    res.end(JSON.stringify(result.json ?? {}));
  }
}

function finish(call: FakeAwsCall, status: number, errorCode?: string): void {
  call.status = status;
  if (errorCode !== undefined) call.errorCode = errorCode;
}

function serviceOf(req: IncomingMessage): FakeAwsService | undefined {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith('AmazonSSM.')) return 'ssm';
  const type = req.headers['content-type'] ?? '';
  if (req.method === 'POST' && type.includes('application/x-www-form-urlencoded')) return signedService(req) === 'sts' ? 'sts' : 'ec2';
  return undefined;
}

/** The service a SigV4 signature is scoped to, if the request is signed. */
function signedService(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization ?? '';
  return /^AWS4-HMAC-SHA256 Credential=[^/]+\/[0-9]{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1];
}

function parse(service: FakeAwsService, req: IncomingMessage, body: string): ParsedCall {
  if (service === 'ec2' || service === 'sts') {
    const request = parseEc2Request(body);
    return { service, action: request.action, params: request.params, request };
  }
  const target = String(req.headers['x-amz-target']);
  return { service, action: target.slice('AmazonSSM.'.length), params: parseJsonBody(body) };
}

/** Requests must be SigV4-signed for the right service (the signature itself is not verified). */
function checkSignature(req: IncomingMessage, service: FakeAwsService): void {
  const scope = signedService(req);
  if (scope === undefined) {
    throw service === 'ec2'
      ? new AwsApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401)
      : new AwsApiError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
  }
  if (scope !== service) {
    throw service === 'ec2'
      ? new AwsApiError('AuthFailure', `Credential should be scoped to correct service: '${service}'.`, 401)
      : new AwsApiError('InvalidSignatureException', `Credential should be scoped to correct service: '${service}'.`, 400);
  }
}

function injectedError(deps: FakeAwsServerDeps, service: FakeAwsService, fault: FakeFault, action: string): AwsApiError | undefined {
  if ('code' in fault) {
    const denial = fault.code === 'UnauthorizedOperation' || fault.code === 'AccessDeniedException';
    const context = { service, action, region: deps.cloud.options.region, accountId: deps.cloud.options.accountId, explicitDeny: fault.explicitDeny ?? false };
    const message = fault.message ??
      (denial ? unauthorizedMessage(deps.denials.issue(context, fault.encodedMessage)) : `Injected ${fault.code} for ${action}`);
    return new AwsApiError(fault.code, message, fault.status ?? defaultStatusFor(service, fault.code));
  }
  if ('status' in fault) {
    return fault.status === 503
      ? new AwsApiError(UNAVAILABLE_CODE[service], 'The service is unavailable. Please try again shortly.', 503)
      : new AwsApiError(INTERNAL_ERROR_CODE[service], 'An internal error has occurred', fault.status);
  }
  return undefined;
}

function toApiError(error: unknown, service: FakeAwsService): AwsApiError {
  if (error instanceof AwsApiError) return error;
  console.error('fake AWS handler error', error);
  return new AwsApiError(INTERNAL_ERROR_CODE[service], 'An internal error has occurred', 500);
}

/** What each service calls its own failures. */
const INTERNAL_ERROR_CODE: Record<FakeAwsService, string> = { ec2: 'InternalError', ssm: 'InternalServerError', sts: 'InternalFailure' };
const UNAVAILABLE_CODE: Record<FakeAwsService, string> = { ec2: 'Unavailable', ssm: 'ServiceUnavailable', sts: 'ServiceUnavailable' };

function respondError(res: ServerResponse, service: FakeAwsService, error: AwsApiError, requestId: string): void {
  if (service === 'ec2') {
    res.writeHead(error.status, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId });
    res.end(ec2ErrorXml(error.code, error.message, requestId));
  } else if (service === 'sts') {
    res.writeHead(error.status, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId });
    res.end(stsErrorXml(error.code, error.message, error.status, requestId));
  } else {
    res.writeHead(error.status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': error.code,
    });
    res.end(JSON.stringify({ __type: error.code, message: error.message }));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        req.destroy();
        reject(new Error('request body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
