import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeCloud } from './fake-cloud.ts';
import { userDataText, type FakeInstance } from './fake-ec2-instances.ts';

export interface ImdsServer {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Instance metadata service (IMDSv1/v2) of one fake instance, on its own
 * loopback port so AWS_EC2_METADATA_SERVICE_ENDPOINT works unchanged for SDKs
 * and scripts on the instance (the real address is 169.254.169.254).
 */
export async function startImdsServer(cloud: FakeCloud, inst: FakeInstance, host: string): Promise<ImdsServer> {
  const tokens = new Map<string, number>();
  const server = createServer((req, res) => {
    const state = cloud.state(inst).name;
    // A stopped or terminated machine does not answer at all.
    if (state !== 'running') {
      req.socket.destroy();
      return;
    }
    handle(req, res, cloud, inst, tokens);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  cloud: FakeCloud,
  inst: FakeInstance,
  tokens: Map<string, number>,
): void {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const send = (status: number, body = '', type = 'text/plain'): void => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
  if (inst.metadataOptions.httpEndpoint === 'disabled') return send(404);
  if (req.method === 'PUT' && path === '/latest/api/token') {
    const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21600) return send(400);
    const token = randomBytes(24).toString('base64');
    tokens.set(token, Date.now() + ttl * 1000);
    res.setHeader('x-aws-ec2-metadata-token-ttl-seconds', String(ttl));
    return send(200, token);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405);
  const token = req.headers['x-aws-ec2-metadata-token'];
  if (typeof token === 'string') {
    const expiry = tokens.get(token);
    if (expiry === undefined || expiry < Date.now()) return send(401);
  } else if (inst.metadataOptions.httpTokens === 'required') {
    return send(401);
  }
  const value = metadataValue(cloud, inst, path);
  if (value === undefined) return send(404);
  return send(200, value.body, value.type);
}

function metadataValue(
  cloud: FakeCloud,
  inst: FakeInstance,
  path: string,
): { body: string; type: string } | undefined {
  const text = (body: string | undefined): { body: string; type: string } | undefined =>
    body === undefined ? undefined : { body, type: 'text/plain' };
  const json = (body: unknown): { body: string; type: string } => ({ body: JSON.stringify(body), type: 'text/plain' });
  const role = inst.iamInstanceProfile?.name;
  const md = '/latest/meta-data/';
  switch (path) {
    case '/latest/user-data':
      return text(userDataText(inst));
    case '/latest/dynamic/instance-identity/document':
      return json({
        accountId: cloud.options.accountId,
        architecture: 'x86_64',
        availabilityZone: inst.availabilityZone,
        imageId: inst.imageId,
        instanceId: inst.instanceId,
        instanceType: inst.instanceType,
        pendingTime: new Date(inst.launchedAt).toISOString(),
        privateIp: inst.privateIp,
        region: cloud.options.region,
        version: '2017-09-30',
      });
    case `${md}instance-id`:
      return text(inst.instanceId);
    case `${md}instance-type`:
      return text(inst.instanceType);
    case `${md}ami-id`:
      return text(inst.imageId);
    case `${md}local-ipv4`:
      return text(inst.privateIp);
    case `${md}reservation-id`:
      return text(inst.reservationId);
    case `${md}instance-life-cycle`:
      return text(inst.spot ? 'spot' : 'on-demand');
    case `${md}placement/availability-zone`:
      return text(inst.availabilityZone);
    case `${md}placement/region`:
      return text(cloud.options.region);
    case `${md}spot/instance-action`:
      return inst.spotNotice ? json(inst.spotNotice) : undefined;
    case `${md}iam/security-credentials/`:
    case `${md}iam/security-credentials`:
      return text(role);
    case `${md}iam/info`:
      return inst.iamInstanceProfile
        ? json({
            Code: 'Success',
            LastUpdated: new Date().toISOString(),
            InstanceProfileArn: inst.iamInstanceProfile.arn,
            InstanceProfileId: inst.iamInstanceProfile.id,
          })
        : undefined;
  }
  if (role && path === `${md}iam/security-credentials/${role}`) {
    return json({
      Code: 'Success',
      LastUpdated: new Date().toISOString(),
      Type: 'AWS-HMAC',
      AccessKeyId: 'ASIAFAKEINSTANCEROLE',
      SecretAccessKey: 'fake-instance-role-secret',
      Token: 'fake-instance-role-session-token',
      Expiration: new Date(Date.now() + 6 * 3_600_000).toISOString(),
    });
  }
  const tagPrefix = `${md}tags/instance/`;
  if (inst.metadataOptions.instanceMetadataTags === 'enabled' && path.startsWith(tagPrefix)) {
    const key = decodeURIComponent(path.slice(tagPrefix.length));
    return key === '' ? text([...inst.tags.keys()].join('\n')) : text(inst.tags.get(key));
  }
  return undefined;
}
