import { describe, expect, test } from 'vitest';
import { getFilters, getStringList, nestQueryFields, parseEc2Request } from './ec2-query-parser.ts';
import { ec2ErrorXml, xmlElement } from './ec2-xml.ts';

describe('EC2 Query parsing', () => {
  test('nests dotted fields into objects and 1-based lists', () => {
    const body =
      'Action=RunInstances&Version=2016-11-15&MinCount=1&TagSpecification.1.ResourceType=instance' +
      '&TagSpecification.1.Tag.2.Key=b&TagSpecification.1.Tag.1.Key=a&TagSpecification.1.Tag.1.Value=x%20y' +
      '&InstanceMarketOptions.SpotOptions.SpotInstanceType=one-time';
    const req = parseEc2Request(body);
    expect(req.action).toBe('RunInstances');
    expect(req.flat).not.toHaveProperty('Action');
    expect(req.params).toEqual({
      MinCount: '1',
      TagSpecification: [{ ResourceType: 'instance', Tag: [{ Key: 'a', Value: 'x y' }, { Key: 'b' }] }],
      InstanceMarketOptions: { SpotOptions: { SpotInstanceType: 'one-time' } },
    });
  });

  test('filters and string lists', () => {
    const params = nestQueryFields({
      'Filter.1.Name': 'tag:job-id',
      'Filter.1.Value.1': 'a',
      'Filter.1.Value.2': 'b',
      'InstanceId.1': 'i-1',
      'InstanceId.10': 'i-10',
      'InstanceId.2': 'i-2',
    });
    expect(getFilters(params)).toEqual([{ name: 'tag:job-id', values: ['a', 'b'] }]);
    expect(getStringList(params, 'InstanceId')).toEqual(['i-1', 'i-2', 'i-10']);
  });

  test('XML: lists use <item>, text is escaped, errors use the EC2 envelope', () => {
    expect(xmlElement('tagSet', [{ key: 'a<b', value: '&' }])).toBe(
      '<tagSet><item><key>a&lt;b</key><value>&amp;</value></item></tagSet>',
    );
    expect(xmlElement('groupSet', [])).toBe('<groupSet/>');
    expect(ec2ErrorXml('InvalidInstanceID.NotFound', "The instance ID 'i-1' does not exist", 'req-1')).toContain(
      '<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID &apos;i-1&apos; does not exist</Message></Error></Errors><RequestID>req-1</RequestID></Response>',
    );
  });
});
