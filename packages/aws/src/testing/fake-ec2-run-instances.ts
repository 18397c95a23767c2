import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AwsApiError } from './aws-api-error.ts';
import { reservationXml } from './ec2-instance-xml.ts';
import {
  getBoolean,
  getInteger,
  getObject,
  getObjectList,
  getString,
  type Ec2Request,
  type QueryObject,
} from './ec2-query-parser.ts';
import { parseTags } from './ec2-tags.ts';
import type { XmlNode } from './ec2-xml.ts';
import type { FakeCloud, FakeReservation } from './fake-cloud.ts';
import type { FakeInstance, FakeVolume, MetadataOptions, SpotOptions } from './fake-ec2-instances.ts';
import { newInstanceId, newReservationId, newSpotRequestId, newVolumeId } from './ids.ts';

const USER_DATA_LIMIT = 16 * 1024;
const TAGGABLE_AT_LAUNCH = ['instance', 'volume', 'network-interface', 'spot-instances-request', 'elastic-gpu'];
const VOLUME_TYPES = ['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard'];

interface VolumeSpec {
  deviceName: string;
  size: number;
  volumeType: string;
  encrypted: boolean;
  deleteOnTermination: boolean;
}

interface LaunchSpec {
  minCount: number;
  maxCount: number;
  imageId: string;
  instanceType: string;
  availabilityZone: string;
  subnetId: string;
  keyName?: string;
  userData?: string;
  shutdownBehavior: 'stop' | 'terminate';
  spot?: SpotOptions;
  iamInstanceProfileName?: string;
  metadataOptions: MetadataOptions;
  instanceTags: Map<string, string>;
  volumeTags: Map<string, string>;
  volumes: VolumeSpec[];
}

/**
 * RunInstances with EC2's validation and ClientToken idempotency: the same
 * token with the same parameters returns the original reservation (current
 * states) and launches nothing; with other parameters it is
 * IdempotentParameterMismatch.
 */
export function runInstances(cloud: FakeCloud, req: Ec2Request): XmlNode {
  const spec = parseLaunchSpec(cloud, req.params);
  const token = getString(req.params, 'ClientToken');
  const fingerprint = requestFingerprint(req.flat);
  const now = cloud.now();
  if (token !== undefined) {
    if (token.length > 64) throw new AwsApiError('InvalidParameterValue', 'The client token must be at most 64 characters');
    const seen = cloud.clientTokens.get(token);
    if (seen) {
      if (seen.fingerprint !== fingerprint) {
        throw new AwsApiError(
          'IdempotentParameterMismatch',
          `The client token '${token}' has already been used with different request parameters.`,
        );
      }
      const reservation = cloud.reservations.get(seen.reservationId);
      if (!reservation) throw new AwsApiError('InternalError', 'An internal error has occurred', 500);
      return reservationBody(cloud, reservation, now);
    }
  }
  if (getBoolean(req.params, 'DryRun')) {
    throw new AwsApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
  }
  const reservation: FakeReservation = {
    reservationId: newReservationId(),
    ownerId: cloud.options.accountId,
    instanceIds: [],
  };
  for (let index = 0; index < spec.maxCount; index += 1) {
    const inst = createInstance(cloud, spec, reservation.reservationId, index, token ?? '', now);
    reservation.instanceIds.push(inst.instanceId);
  }
  cloud.reservations.set(reservation.reservationId, reservation);
  if (token !== undefined) cloud.clientTokens.set(token, { fingerprint, reservationId: reservation.reservationId });
  return reservationBody(cloud, reservation, now);
}

function reservationBody(cloud: FakeCloud, reservation: FakeReservation, now: number): XmlNode {
  const instances = reservation.instanceIds.map((id) => cloud.require(id));
  return reservationXml(cloud, reservation, instances, now);
}

/** Every field except the token and DryRun, in a stable order. */
function requestFingerprint(flat: Record<string, string>): string {
  const entries = Object.entries(flat)
    .filter(([key]) => key !== 'ClientToken' && key !== 'DryRun')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex');
}

function createInstance(
  cloud: FakeCloud,
  spec: LaunchSpec,
  reservationId: string,
  index: number,
  clientToken: string,
  now: number,
): FakeInstance {
  const instanceId = newInstanceId();
  const volumeIds = spec.volumes.map((v) => {
    const volume: FakeVolume = {
      volumeId: newVolumeId(),
      ...v,
      availabilityZone: spec.availabilityZone,
      createdAt: now,
      tags: new Map(spec.volumeTags),
      instanceId,
    };
    cloud.volumes.set(volume.volumeId, volume);
    return volume.volumeId;
  });
  const profileName = spec.iamInstanceProfileName;
  const inst: FakeInstance = {
    instanceId,
    reservationId,
    amiLaunchIndex: index,
    imageId: spec.imageId,
    instanceType: spec.instanceType,
    launchedAt: now,
    clientToken,
    availabilityZone: spec.availabilityZone,
    privateIp: `10.0.${randomBytes(1)[0] ?? 0}.${1 + ((randomBytes(1)[0] ?? 0) % 254)}`,
    subnetId: spec.subnetId,
    vpcId: 'vpc-0fa4e1c0ffee00001',
    ...(spec.keyName !== undefined ? { keyName: spec.keyName } : {}),
    tags: new Map(spec.instanceTags),
    ...(spec.userData !== undefined ? { userData: spec.userData } : {}),
    ...(profileName !== undefined
      ? {
          iamInstanceProfile: {
            name: profileName,
            arn: `arn:aws:iam::${cloud.options.accountId}:instance-profile/${profileName}`,
            id: `AIPA${createHash('sha1').update(profileName).digest('hex').slice(0, 17).toUpperCase()}`,
          },
        }
      : {}),
    ...(spec.spot ? { spot: { ...spec.spot, requestId: newSpotRequestId() } } : {}),
    shutdownBehavior: spec.shutdownBehavior,
    metadataOptions: spec.metadataOptions,
    volumeIds,
    transitions: [],
    sandboxDir: join(cloud.sandboxRoot, instanceId),
  };
  cloud.addInstance(inst);
  return inst;
}

function parseLaunchSpec(cloud: FakeCloud, p: QueryObject): LaunchSpec {
  const minCount = requiredInteger(p, 'MinCount');
  const maxCount = requiredInteger(p, 'MaxCount');
  if (minCount < 1) invalid(`Value (${minCount}) for parameter minCount is invalid. Expecting a value greater than 0.`);
  if (maxCount < minCount) invalid(`Value (${maxCount}) for parameter maxCount is invalid. Must be at least minCount.`);
  const imageId = getString(p, 'ImageId');
  if (imageId === undefined) throw new AwsApiError('MissingParameter', 'The request must contain the parameter ImageId');
  if (!/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/.test(imageId)) {
    throw new AwsApiError('InvalidAMIID.Malformed', `Invalid id: "${imageId}" (expecting "ami-...")`);
  }
  const { imageIds } = cloud.options.ec2;
  if (imageIds && !imageIds.includes(imageId)) {
    throw new AwsApiError('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
  }
  // EC2's historical default when InstanceType is omitted.
  const instanceType = getString(p, 'InstanceType') ?? 'm1.small';
  if (!cloud.options.ec2.instanceTypes.some((t) => t.name === instanceType)) {
    invalid(`Invalid value '${instanceType}' for InstanceType.`);
  }
  const userData = getString(p, 'UserData');
  if (userData !== undefined) checkUserData(userData);
  const shutdownBehavior = getString(p, 'InstanceInitiatedShutdownBehavior') ?? 'stop';
  if (shutdownBehavior !== 'stop' && shutdownBehavior !== 'terminate') {
    invalid(`Value (${shutdownBehavior}) for parameter instanceInitiatedShutdownBehavior is invalid.`);
  }
  const { instanceTags, volumeTags } = parseTagSpecifications(p);
  const spot = parseSpot(cloud, p, instanceType);
  return {
    minCount,
    maxCount,
    imageId,
    instanceType,
    availabilityZone: parseZone(cloud, p),
    subnetId: getString(p, 'SubnetId') ?? 'subnet-0fa4e1c0ffee00001',
    ...optional('keyName', getString(p, 'KeyName')),
    ...optional('userData', userData),
    shutdownBehavior,
    ...optional('spot', spot),
    ...optional('iamInstanceProfileName', parseInstanceProfile(cloud, p)),
    metadataOptions: parseMetadataOptions(p),
    instanceTags,
    volumeTags,
    volumes: parseVolumes(p),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

function invalid(message: string): never {
  throw new AwsApiError('InvalidParameterValue', message);
}

function requiredInteger(p: QueryObject, key: string): number {
  const value = getInteger(p, key);
  if (value === undefined) throw new AwsApiError('MissingParameter', `The request must contain the parameter ${key}`);
  return value;
}

function checkUserData(userData: string): void {
  const compact = userData.replace(/[\r\n]/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    invalid('Invalid BASE64 encoding of user data.');
  }
  if (Buffer.from(compact, 'base64').length > USER_DATA_LIMIT) {
    invalid(`User data is limited to ${USER_DATA_LIMIT} bytes`);
  }
}

function parseTagSpecifications(p: QueryObject): { instanceTags: Map<string, string>; volumeTags: Map<string, string> } {
  const result = { instanceTags: new Map<string, string>(), volumeTags: new Map<string, string>() };
  for (const spec of getObjectList(p, 'TagSpecification')) {
    const type = getString(spec, 'ResourceType');
    if (type === undefined) throw new AwsApiError('MissingParameter', 'The request must contain the parameter ResourceType');
    if (!TAGGABLE_AT_LAUNCH.includes(type)) invalid(`'${type}' is not a valid taggable resource type for this operation.`);
    const tags = parseTags(spec);
    const target = type === 'instance' ? result.instanceTags : type === 'volume' ? result.volumeTags : undefined;
    for (const [k, v] of tags) target?.set(k, v);
  }
  return result;
}

function parseSpot(cloud: FakeCloud, p: QueryObject, instanceType: string): SpotOptions | undefined {
  const market = getObject(p, 'InstanceMarketOptions');
  if (!market) return undefined;
  const marketType = getString(market, 'MarketType');
  if (marketType !== 'spot') invalid(`Value (${marketType ?? ''}) for parameter marketType is invalid.`);
  const options = getObject(market, 'SpotOptions');
  const spotInstanceType = getString(options, 'SpotInstanceType') ?? 'one-time';
  const behavior = getString(options, 'InstanceInterruptionBehavior') ?? 'terminate';
  if (spotInstanceType !== 'one-time' && spotInstanceType !== 'persistent') {
    invalid(`Value (${spotInstanceType}) for parameter spotInstanceType is invalid.`);
  }
  if (behavior !== 'terminate' && behavior !== 'stop' && behavior !== 'hibernate') {
    invalid(`Value (${behavior}) for parameter instanceInterruptionBehavior is invalid.`);
  }
  // Stop/hibernate on interruption need a persistent request, and persistent excludes terminate.
  if ((spotInstanceType === 'persistent') !== (behavior !== 'terminate')) {
    throw new AwsApiError(
      'InvalidParameterCombination',
      `The instance interruption behavior '${behavior}' is not supported for a ${spotInstanceType} Spot Instance request.`,
    );
  }
  const maxPrice = getString(options, 'MaxPrice');
  if (maxPrice !== undefined) {
    if (!/^[0-9]+(\.[0-9]+)?$/.test(maxPrice)) invalid(`Invalid value '${maxPrice}' for MaxPrice.`);
    const current = cloud.options.ec2.instanceTypes.find((t) => t.name === instanceType)?.spotUsd ?? 0;
    if (Number(maxPrice) < current) {
      throw new AwsApiError(
        'SpotMaxPriceTooLow',
        `Your Spot request price of ${maxPrice} is lower than the minimum required Spot request fulfillment price of ${current.toFixed(4)}.`,
      );
    }
  }
  return { spotInstanceType, interruptionBehavior: behavior, ...optional('maxPrice', maxPrice) };
}

function parseInstanceProfile(cloud: FakeCloud, p: QueryObject): string | undefined {
  const profile = getObject(p, 'IamInstanceProfile');
  if (!profile) return undefined;
  const name = getString(profile, 'Name');
  const arn = getString(profile, 'Arn');
  if (name !== undefined && arn !== undefined) {
    throw new AwsApiError(
      'InvalidParameterCombination',
      "The parameter 'iamInstanceProfile.name' may not be used in combination with 'iamInstanceProfile.arn'",
    );
  }
  const resolved = name ?? arn?.split('/').pop();
  if (!resolved) invalid('Value () for parameter iamInstanceProfile is invalid.');
  const known = cloud.options.ec2.instanceProfiles;
  if (known && !known.includes(resolved)) {
    invalid(`Value (${resolved}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`);
  }
  return resolved;
}

function parseMetadataOptions(p: QueryObject): MetadataOptions {
  const o = getObject(p, 'MetadataOptions');
  const httpTokens = getString(o, 'HttpTokens') ?? 'optional';
  const hopLimit = getInteger(o, 'HttpPutResponseHopLimit') ?? 1;
  const httpEndpoint = getString(o, 'HttpEndpoint') ?? 'enabled';
  const tags = getString(o, 'InstanceMetadataTags') ?? 'disabled';
  if (httpTokens !== 'optional' && httpTokens !== 'required') invalid(`Invalid value '${httpTokens}' for HttpTokens.`);
  if (hopLimit < 1 || hopLimit > 64) invalid(`Invalid value '${hopLimit}' for HttpPutResponseHopLimit.`);
  if (httpEndpoint !== 'enabled' && httpEndpoint !== 'disabled') invalid(`Invalid value '${httpEndpoint}' for HttpEndpoint.`);
  if (tags !== 'enabled' && tags !== 'disabled') invalid(`Invalid value '${tags}' for InstanceMetadataTags.`);
  return { httpTokens, httpPutResponseHopLimit: hopLimit, httpEndpoint, instanceMetadataTags: tags };
}

function parseZone(cloud: FakeCloud, p: QueryObject): string {
  const { region } = cloud.options;
  const zones = cloud.options.ec2.availabilityZones.map((z) => `${region}${z}`);
  const requested = getString(getObject(p, 'Placement'), 'AvailabilityZone');
  if (requested !== undefined && !zones.includes(requested)) invalid(`Invalid availability zone: [${requested}]`);
  return requested ?? zones[0] ?? `${region}a`;
}

/** Block device mappings; the root device (/dev/sda1, as on Ubuntu AMIs) always exists. */
function parseVolumes(p: QueryObject): VolumeSpec[] {
  const volumes: VolumeSpec[] = [];
  for (const mapping of getObjectList(p, 'BlockDeviceMapping')) {
    const deviceName = getString(mapping, 'DeviceName');
    if (deviceName === undefined) throw new AwsApiError('MissingParameter', 'The request must contain the parameter DeviceName');
    const ebs = getObject(mapping, 'Ebs');
    if (!ebs) continue;
    const size = getInteger(ebs, 'VolumeSize') ?? 8;
    const volumeType = getString(ebs, 'VolumeType') ?? 'gp3';
    if (size < 1 || size > 16384) invalid(`Volume of ${size}GiB is outside the valid range of 1-16384 GiB.`);
    if (!VOLUME_TYPES.includes(volumeType)) invalid(`Value (${volumeType}) for parameter volumeType is invalid.`);
    volumes.push({
      deviceName,
      size,
      volumeType,
      encrypted: getBoolean(ebs, 'Encrypted') ?? false,
      deleteOnTermination: getBoolean(ebs, 'DeleteOnTermination') ?? true,
    });
  }
  if (!volumes.some((v) => v.deviceName === '/dev/sda1')) {
    volumes.unshift({ deviceName: '/dev/sda1', size: 8, volumeType: 'gp3', encrypted: false, deleteOnTermination: true });
  }
  return volumes;
}
