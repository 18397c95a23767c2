import { AwsApiError } from './aws-api-error.ts';
import { tagSetXml } from './ec2-instance-xml.ts';
import { matchesFilters, tagFilterValues } from './ec2-filters.ts';
import { getFilters, getInteger, getString, getStringList, type Ec2Request } from './ec2-query-parser.ts';
import type { XmlNode } from './ec2-xml.ts';
import type { FakeCloud } from './fake-cloud.ts';
import type { FakeVolume } from './fake-ec2-instances.ts';
import { paginate } from './pagination-token.ts';

/** DescribeVolumes: the EBS volumes created by RunInstances, with their launch tags. */
export function describeVolumes(cloud: FakeCloud, req: Ec2Request): XmlNode {
  const p = req.params;
  const ids = getStringList(p, 'VolumeId');
  const filters = getFilters(p);
  const now = cloud.now();
  const live = [...cloud.volumes.values()].filter((v) => volumeStatus(cloud, v, now).status !== 'deleted');
  const missing = ids.filter((id) => !live.some((v) => v.volumeId === id));
  if (missing.length > 0) throw new AwsApiError('InvalidVolume.NotFound', `The volume '${missing.join(', ')}' does not exist.`);
  const selected = ids.length > 0 ? live.filter((v) => ids.includes(v.volumeId)) : live;
  const views = selected.map((v) => ({ volume: v, ...volumeStatus(cloud, v, now) }));
  const matching = views.filter((view) =>
    matchesFilters(filters, (name) => {
      const tags = tagFilterValues(name, view.volume.tags);
      if (tags) return tags;
      const fields: Record<string, string[]> = {
        'volume-id': [view.volume.volumeId],
        status: [view.status],
        'volume-type': [view.volume.volumeType],
        size: [String(view.volume.size)],
        'availability-zone': [view.volume.availabilityZone],
        'attachment.instance-id': view.attached ? [view.volume.instanceId] : [],
        'attachment.delete-on-termination': view.attached ? [String(view.volume.deleteOnTermination)] : [],
        'attachment.device': view.attached ? [view.volume.deviceName] : [],
      };
      return fields[name];
    }),
  );
  const { page, nextToken } = paginate(
    matching,
    `DescribeVolumes:${JSON.stringify(filters)}`,
    getString(p, 'NextToken'),
    getInteger(p, 'MaxResults'),
    'InvalidPaginationToken',
  );
  return {
    volumeSet: page.map(({ volume, status, attached }) => ({
      volumeId: volume.volumeId,
      size: volume.size,
      snapshotId: '',
      availabilityZone: volume.availabilityZone,
      status,
      createTime: new Date(volume.createdAt),
      attachmentSet: attached
        ? [{
            volumeId: volume.volumeId,
            instanceId: volume.instanceId,
            device: volume.deviceName,
            status: 'attached',
            attachTime: new Date(volume.createdAt),
            deleteOnTermination: volume.deleteOnTermination,
          }]
        : [],
      tagSet: tagSetXml(volume.tags),
      volumeType: volume.volumeType,
      encrypted: volume.encrypted,
      multiAttachEnabled: false,
    })),
    nextToken,
  };
}

function volumeStatus(cloud: FakeCloud, volume: FakeVolume, now: number): { status: string; attached: boolean } {
  const inst = cloud.instances.get(volume.instanceId);
  const state = inst ? cloud.state(inst, now).name : 'terminated';
  if (volume.deletedAt !== undefined) return { status: 'deleted', attached: false };
  if (state === 'terminated') return { status: volume.deleteOnTermination ? 'deleted' : 'available', attached: false };
  return { status: 'in-use', attached: true };
}
