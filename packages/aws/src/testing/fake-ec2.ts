import { AwsApiError } from './aws-api-error.ts';
import type { Ec2Request } from './ec2-query-parser.ts';
import type { XmlNode } from './ec2-xml.ts';
import type { FakeCloud } from './fake-cloud.ts';
import { describeInstanceTypes, describeSpotPriceHistory } from './fake-ec2-catalog.ts';
import { describeInstances } from './fake-ec2-describe-instances.ts';
import { runInstances } from './fake-ec2-run-instances.ts';
import { createTags } from './fake-ec2-tags.ts';
import { terminateInstances } from './fake-ec2-terminate.ts';
import { describeVolumes } from './fake-ec2-volumes.ts';

type Ec2Handler = (cloud: FakeCloud, req: Ec2Request) => XmlNode;

const HANDLERS: Record<string, Ec2Handler> = {
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  TerminateInstances: terminateInstances,
  CreateTags: createTags,
  DescribeVolumes: describeVolumes,
  DescribeSpotPriceHistory: describeSpotPriceHistory,
  DescribeInstanceTypes: describeInstanceTypes,
};

export const SUPPORTED_EC2_ACTIONS = Object.keys(HANDLERS);

/** Runs one EC2 action; the result is the body of `<ActionResponse>`. */
export function handleEc2(cloud: FakeCloud, req: Ec2Request): XmlNode {
  const handler = HANDLERS[req.action];
  if (!handler) throw new AwsApiError('InvalidAction', `The action ${req.action} is not valid for this web service.`);
  cloud.tick();
  return handler(cloud, req);
}
