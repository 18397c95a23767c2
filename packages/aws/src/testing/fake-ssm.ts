import { AwsApiError } from './aws-api-error.ts';
import type { FakeCloud } from './fake-cloud.ts';
import { describeInstanceInformation } from './fake-ssm-instance-information.ts';
import { cancelCommand, getCommandInvocation, listCommandInvocations } from './fake-ssm-invocations.ts';
import { sendCommand } from './fake-ssm-send-command.ts';
import type { SsmCommandRunner } from './ssm-commands.ts';
import { epochSeconds, reqString, type JsonObject } from './ssm-json.ts';

type SsmHandler = (cloud: FakeCloud, runner: SsmCommandRunner, input: JsonObject) => JsonObject;

const HANDLERS: Record<string, SsmHandler> = {
  DescribeInstanceInformation: (cloud, _runner, input) => describeInstanceInformation(cloud, input),
  SendCommand: sendCommand,
  GetCommandInvocation: getCommandInvocation,
  ListCommandInvocations: listCommandInvocations,
  CancelCommand: (_cloud, runner, input) => cancelCommand(runner, input),
  GetParameter: (cloud, _runner, input) => getParameter(cloud, input),
};

export const SUPPORTED_SSM_ACTIONS = Object.keys(HANDLERS);

/** Runs one SSM action (the part after `AmazonSSM.` in X-Amz-Target). */
export function handleSsm(cloud: FakeCloud, runner: SsmCommandRunner, action: string, input: JsonObject): JsonObject {
  const handler = HANDLERS[action];
  if (!handler) throw new AwsApiError('UnknownOperationException', `Unknown operation ${action}`);
  cloud.tick();
  return handler(cloud, runner, input);
}

/** GetParameter for values configured with `ssm.parameters` or `setParameter()`. */
function getParameter(cloud: FakeCloud, input: JsonObject): JsonObject {
  const name = reqString(input, 'Name');
  const value = cloud.parameters.get(name);
  if (value === undefined) throw new AwsApiError('ParameterNotFound', `Parameter ${name} not found.`);
  return {
    Parameter: {
      Name: name,
      Type: 'String',
      Value: value,
      Version: 1,
      LastModifiedDate: epochSeconds(cloud.now()),
      ARN: `arn:aws:ssm:${cloud.options.region}::parameter${name.startsWith('/') ? '' : '/'}${name}`,
      DataType: name.endsWith('ami-id') ? 'aws:ec2:image' : 'text',
    },
  };
}
