import { AwsApiError } from './aws-api-error.ts';
import { reservationXml } from './ec2-instance-xml.ts';
import { matchesFilters, tagFilterValues } from './ec2-filters.ts';
import { getFilters, getInteger, getString, getStringList, type Ec2Request } from './ec2-query-parser.ts';
import type { XmlNode } from './ec2-xml.ts';
import type { FakeCloud } from './fake-cloud.ts';
import type { FakeInstance } from './fake-ec2-instances.ts';
import { lookupInstances } from './fake-ec2-instance-lookup.ts';
import { paginate } from './pagination-token.ts';

/**
 * DescribeInstances: ids or filters, paginated by instance (MaxResults 5–1000,
 * not combinable with ids). Instances not yet visible are simply absent from
 * filtered results, and make explicit ids fail.
 */
export function describeInstances(cloud: FakeCloud, req: Ec2Request): XmlNode {
  const p = req.params;
  const ids = getStringList(p, 'InstanceId');
  const maxResults = getInteger(p, 'MaxResults');
  const filters = getFilters(p);
  if (ids.length > 0 && maxResults !== undefined) {
    throw new AwsApiError(
      'InvalidParameterCombination',
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
  }
  if (maxResults !== undefined && (maxResults < 5 || maxResults > 1000)) {
    throw new AwsApiError(
      'InvalidParameterValue',
      `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value greater than 5.`,
    );
  }
  const now = cloud.now();
  const candidates = ids.length > 0
    ? lookupInstances(cloud, ids, now)
    : [...cloud.instances.values()].filter((inst) => cloud.isVisible(inst, now));
  const matching = candidates.filter((inst) => matchesFilters(filters, (name) => filterValues(cloud, inst, name, now)));
  const scope = `DescribeInstances:${JSON.stringify(filters)}`;
  const { page, nextToken } = paginate(matching, scope, getString(p, 'NextToken'), maxResults, 'InvalidPaginationToken');
  return {
    reservationSet: groupByReservation(page).map((group) => {
      const first = group[0] as FakeInstance;
      const reservation = cloud.reservations.get(first.reservationId) ?? {
        reservationId: first.reservationId,
        ownerId: cloud.options.accountId,
        instanceIds: [],
      };
      return reservationXml(cloud, reservation, group, now);
    }),
    nextToken,
  };
}

/** Consecutive instances of one reservation share a <reservationSet> item. */
function groupByReservation(instances: FakeInstance[]): FakeInstance[][] {
  const groups: FakeInstance[][] = [];
  for (const inst of instances) {
    const last = groups.at(-1);
    if (last?.[0]?.reservationId === inst.reservationId) last.push(inst);
    else groups.push([inst]);
  }
  return groups;
}

function filterValues(cloud: FakeCloud, inst: FakeInstance, name: string, now: number): string[] | undefined {
  const state = cloud.state(inst, now);
  const tagValues = tagFilterValues(name, inst.tags);
  if (tagValues) return tagValues;
  const simple: Record<string, string | undefined> = {
    'instance-id': inst.instanceId,
    'instance-state-name': state.name,
    'instance-state-code': String(state.code),
    'instance-type': inst.instanceType,
    'image-id': inst.imageId,
    'client-token': inst.clientToken,
    'reservation-id': inst.reservationId,
    'availability-zone': inst.availabilityZone,
    'private-ip-address': inst.privateIp,
    'subnet-id': inst.subnetId,
    'vpc-id': inst.vpcId,
    'key-name': inst.keyName,
    'spot-instance-request-id': inst.spot?.requestId,
    'instance-lifecycle': inst.spot ? 'spot' : undefined,
    'iam-instance-profile.arn': inst.iamInstanceProfile?.arn,
    'state-reason-code': state.reason?.code,
  };
  if (!(name in simple)) return undefined;
  const value = simple[name];
  return value === undefined ? [] : [value];
}
