import { AwsApiError } from './aws-api-error.ts';
import { getStringList, type Ec2Request } from './ec2-query-parser.ts';
import { parseTags } from './ec2-tags.ts';
import type { XmlNode } from './ec2-xml.ts';
import type { FakeCloud } from './fake-cloud.ts';
import { lookupInstances } from './fake-ec2-instance-lookup.ts';

/** CreateTags on instances and volumes (existing keys are overwritten). */
export function createTags(cloud: FakeCloud, req: Ec2Request): XmlNode {
  const ids = getStringList(req.params, 'ResourceId');
  if (ids.length === 0) throw new AwsApiError('MissingParameter', 'The request must contain the parameter ResourceId');
  const tags = parseTags(req.params);
  const now = cloud.now();
  const targets = ids.map((id) => {
    if (id.startsWith('i-')) return lookupInstances(cloud, [id], now)[0]?.tags;
    if (id.startsWith('vol-')) {
      const volume = cloud.volumes.get(id);
      if (!volume || volume.deletedAt !== undefined) {
        throw new AwsApiError('InvalidVolume.NotFound', `The volume '${id}' does not exist.`);
      }
      return volume.tags;
    }
    throw new AwsApiError('InvalidID', `The ID '${id}' is not valid`);
  });
  for (const target of targets) for (const [k, v] of tags) target?.set(k, v);
  return { return: true };
}
