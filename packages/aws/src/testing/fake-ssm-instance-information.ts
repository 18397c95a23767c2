import { AwsApiError } from './aws-api-error.ts';
import { wildcardMatch } from './ec2-filters.ts';
import type { FakeCloud } from './fake-cloud.ts';
import type { FakeInstance } from './fake-ec2-instances.ts';
import { paginate } from './pagination-token.ts';
import { checkRange, epochSeconds, optNumber, optObjectList, optString, optStringList, type JsonObject } from './ssm-json.ts';

export type PingStatus = 'Online' | 'ConnectionLost';

/**
 * The SSM agent registers once the instance has been running for
 * `onlineAfterMs`, and only with an instance profile (the role grants
 * AmazonSSMManagedInstanceCore). After a stop/termination it shows
 * ConnectionLost while EC2 still lists the instance.
 */
export function pingStatus(cloud: FakeCloud, inst: FakeInstance, now: number): PingStatus | undefined {
  const { ssm, ec2 } = cloud.options;
  if (ssm.requireInstanceProfile && !inst.iamInstanceProfile) return undefined;
  if (!cloud.isVisible(inst, now)) return undefined;
  const onlineAt = inst.launchedAt + ec2.pendingMs + ssm.onlineAfterMs;
  const state = cloud.state(inst, now);
  if (state.name === 'running') return now >= onlineAt ? 'Online' : undefined;
  if (state.name === 'pending') return undefined;
  return state.transition && state.transition.at > onlineAt ? 'ConnectionLost' : undefined;
}

export function describeInstanceInformation(cloud: FakeCloud, input: JsonObject): JsonObject {
  const filters = optObjectList(input, 'Filters');
  const legacy = optObjectList(input, 'InstanceInformationFilterList');
  if (filters && legacy) {
    throw new AwsApiError(
      'InvalidInstanceInformationFilterValue',
      'Filters and InstanceInformationFilterList cannot be used together.',
    );
  }
  const conditions = [
    ...(filters ?? []).map((f) => ({ key: optString(f, 'Key') ?? '', values: optStringList(f, 'Values') ?? [] })),
    ...(legacy ?? []).map((f) => ({ key: optString(f, 'key') ?? '', values: optStringList(f, 'valueSet') ?? [] })),
  ];
  const maxResults = optNumber(input, 'MaxResults');
  checkRange('MaxResults', maxResults, 5, 50);
  const now = cloud.now();
  const rows: JsonObject[] = [];
  for (const inst of cloud.instances.values()) {
    const ping = pingStatus(cloud, inst, now);
    if (!ping) continue;
    const row = instanceInformation(cloud, inst, ping, now);
    if (conditions.every((c) => conditionMatches(c.key, c.values, inst, row))) rows.push(row);
  }
  const { page, nextToken } = paginate(
    rows,
    `DescribeInstanceInformation:${JSON.stringify(conditions)}`,
    optString(input, 'NextToken'),
    maxResults,
    'InvalidNextToken',
  );
  return { InstanceInformationList: page, ...(nextToken ? { NextToken: nextToken } : {}) };
}

function conditionMatches(key: string, values: string[], inst: FakeInstance, row: JsonObject): boolean {
  const field = (name: string): string[] | undefined => {
    if (name.startsWith('tag:')) {
      const v = inst.tags.get(name.slice(4));
      return v === undefined ? [] : [v];
    }
    const table: Record<string, string[]> = {
      InstanceIds: [inst.instanceId],
      PingStatus: [String(row['PingStatus'])],
      PlatformTypes: ['Linux'],
      ResourceType: ['EC2Instance'],
      AgentVersion: [String(row['AgentVersion'])],
      IamRole: row['IamRole'] ? [String(row['IamRole'])] : [],
    };
    return table[name];
  };
  const actual = field(key);
  if (actual === undefined) throw new AwsApiError('InvalidFilterKey', `The filter key ${key} is not valid.`);
  return values.some((v) => actual.some((a) => wildcardMatch(v, a)));
}

function instanceInformation(cloud: FakeCloud, inst: FakeInstance, ping: PingStatus, now: number): JsonObject {
  const state = cloud.state(inst, now);
  const lastPing = ping === 'Online' ? now : state.transition?.at ?? now;
  return {
    InstanceId: inst.instanceId,
    PingStatus: ping,
    LastPingDateTime: epochSeconds(lastPing),
    AgentVersion: '3.3.1957.0',
    IsLatestVersion: false,
    PlatformType: 'Linux',
    PlatformName: 'Ubuntu',
    PlatformVersion: '22.04',
    ResourceType: 'EC2Instance',
    IPAddress: inst.privateIp,
    ComputerName: `ip-${inst.privateIp.replace(/\./g, '-')}.ec2.internal`,
    ...(inst.iamInstanceProfile ? { IamRole: inst.iamInstanceProfile.name } : {}),
    SourceId: inst.instanceId,
    SourceType: 'AWS::EC2::Instance',
  };
}
