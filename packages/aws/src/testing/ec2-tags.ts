import { AwsApiError } from './aws-api-error.ts';
import { getObjectList, getString, type QueryObject } from './ec2-query-parser.ts';

/** Parses `Tag.N.Key/Value` and applies EC2's tag rules. */
export function parseTags(container: QueryObject, listKey = 'Tag'): Map<string, string> {
  const tags = new Map<string, string>();
  for (const tag of getObjectList(container, listKey)) {
    const key = getString(tag, 'Key');
    const value = getString(tag, 'Value') ?? '';
    if (key === undefined || key === '') throw new AwsApiError('InvalidParameterValue', 'Tag key must not be empty');
    if (key.toLowerCase().startsWith('aws:')) {
      throw new AwsApiError('InvalidParameterValue', "Tag keys starting with 'aws:' are reserved for internal use");
    }
    if (key.length > 128) throw new AwsApiError('InvalidParameterValue', `Tag key exceeds the maximum length of 128 characters`);
    if (value.length > 256) throw new AwsApiError('InvalidParameterValue', `Tag value exceeds the maximum length of 256 characters`);
    tags.set(key, value);
  }
  if (tags.size > 50) throw new AwsApiError('TagLimitExceeded', 'The maximum number of tags for a resource has been reached.');
  return tags;
}
