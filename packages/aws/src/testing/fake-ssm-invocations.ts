import { AwsApiError } from './aws-api-error.ts';
import type { FakeCloud } from './fake-cloud.ts';
import { paginate } from './pagination-token.ts';
import type { FakeCommand, FakeInvocation, SsmCommandRunner } from './ssm-commands.ts';
import { checkRange, epochSeconds, optBoolean, optNumber, optString, optStringList, reqString, type JsonObject } from './ssm-json.ts';
import { combinedPluginOutput, headChars, STDERR_LIMIT, STDOUT_LIMIT } from './ssm-output.ts';

const PLUGIN_NAME = 'aws:runShellScript';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * GetCommandInvocation. Right after SendCommand (and for unknown ids) it is
 * InvocationDoesNotExist; output is empty until the script ends and then cut
 * to 24,000 / 8,000 characters.
 */
export function getCommandInvocation(cloud: FakeCloud, runner: SsmCommandRunner, input: JsonObject): JsonObject {
  const commandId = reqString(input, 'CommandId');
  const instanceId = reqString(input, 'InstanceId');
  const pluginName = optString(input, 'PluginName');
  if (!UUID.test(commandId)) throw new AwsApiError('InvalidCommandId', `Invalid command id ${commandId}`);
  if (pluginName !== undefined && pluginName !== PLUGIN_NAME) {
    throw new AwsApiError('InvalidPluginName', `The plugin name ${pluginName} is not valid.`);
  }
  const command = runner.commands.get(commandId);
  const inv = command?.invocations.get(instanceId);
  const now = cloud.now();
  if (!command || !inv || now < inv.visibleAt) {
    throw new AwsApiError(
      'InvocationDoesNotExist',
      'The command ID and instance ID you specified did not match any invocations. Verify the command ID and the instance ID and try again.',
    );
  }
  const finished = inv.endedAt !== undefined;
  const urls = outputUrls(cloud, command, inv);
  return {
    CommandId: commandId,
    InstanceId: instanceId,
    Comment: command.comment,
    DocumentName: command.documentName,
    DocumentVersion: '$DEFAULT',
    PluginName: PLUGIN_NAME,
    ResponseCode: inv.responseCode,
    ExecutionStartDateTime: inv.startedAt === undefined ? '' : new Date(inv.startedAt).toISOString(),
    ExecutionElapsedTime: inv.startedAt === undefined ? '' : isoDuration((inv.endedAt ?? now) - inv.startedAt),
    ExecutionEndDateTime: inv.endedAt === undefined ? '' : new Date(inv.endedAt).toISOString(),
    Status: inv.status,
    StatusDetails: inv.statusDetails,
    StandardOutputContent: finished ? headChars(inv.stdout, STDOUT_LIMIT) : '',
    StandardOutputUrl: urls.stdout,
    StandardErrorContent: finished ? headChars(inv.stderr, STDERR_LIMIT) : '',
    StandardErrorUrl: urls.stderr,
    CloudWatchOutputConfig: {
      CloudWatchLogGroupName: command.cloudWatch?.logGroupName ?? '',
      CloudWatchOutputEnabled: command.cloudWatch?.enabled ?? false,
    },
  };
}

export function listCommandInvocations(cloud: FakeCloud, runner: SsmCommandRunner, input: JsonObject): JsonObject {
  const commandId = optString(input, 'CommandId');
  const instanceId = optString(input, 'InstanceId');
  const details = optBoolean(input, 'Details') ?? false;
  const maxResults = optNumber(input, 'MaxResults');
  checkRange('MaxResults', maxResults, 1, 50);
  if (commandId !== undefined && !UUID.test(commandId)) {
    throw new AwsApiError('InvalidCommandId', `Invalid command id ${commandId}`);
  }
  const now = cloud.now();
  const rows: JsonObject[] = [];
  const commands = [...runner.commands.values()].sort((a, b) => b.requestedAt - a.requestedAt);
  for (const command of commands) {
    if (commandId !== undefined && command.commandId !== commandId) continue;
    for (const inv of command.invocations.values()) {
      if (instanceId !== undefined && inv.instanceId !== instanceId) continue;
      if (now < inv.visibleAt) continue;
      rows.push(invocationJson(cloud, command, inv, details));
    }
  }
  const { page, nextToken } = paginate(
    rows,
    `ListCommandInvocations:${commandId ?? ''}:${instanceId ?? ''}:${details}`,
    optString(input, 'NextToken'),
    maxResults,
    'InvalidNextToken',
  );
  return { CommandInvocations: page, ...(nextToken ? { NextToken: nextToken } : {}) };
}

export function cancelCommand(runner: SsmCommandRunner, input: JsonObject): JsonObject {
  const commandId = reqString(input, 'CommandId');
  const command = UUID.test(commandId) ? runner.commands.get(commandId) : undefined;
  if (!command) throw new AwsApiError('InvalidCommandId', `Invalid command id ${commandId}`);
  runner.cancel(command, optStringList(input, 'InstanceIds') ?? []);
  return {};
}

function invocationJson(cloud: FakeCloud, command: FakeCommand, inv: FakeInvocation, details: boolean): JsonObject {
  const urls = outputUrls(cloud, command, inv);
  return {
    CommandId: command.commandId,
    InstanceId: inv.instanceId,
    InstanceName: '',
    Comment: command.comment,
    DocumentName: command.documentName,
    DocumentVersion: '$DEFAULT',
    RequestedDateTime: epochSeconds(inv.requestedAt),
    Status: inv.status,
    StatusDetails: inv.statusDetails,
    TraceOutput: '',
    StandardOutputUrl: urls.stdout,
    StandardErrorUrl: urls.stderr,
    CommandPlugins: details
      ? [{
          Name: PLUGIN_NAME,
          Status: inv.status,
          StatusDetails: inv.statusDetails,
          ResponseCode: inv.responseCode,
          ...(inv.startedAt !== undefined ? { ResponseStartDateTime: epochSeconds(inv.startedAt) } : {}),
          ...(inv.endedAt !== undefined ? { ResponseFinishDateTime: epochSeconds(inv.endedAt) } : {}),
          Output: inv.endedAt !== undefined ? combinedPluginOutput(inv.stdout, inv.stderr) : '',
          StandardOutputUrl: urls.stdout,
          StandardErrorUrl: urls.stderr,
          OutputS3Region: cloud.options.region,
          OutputS3BucketName: command.outputS3BucketName ?? '',
          OutputS3KeyPrefix: command.outputS3KeyPrefix ?? '',
        }]
      : [],
    ServiceRole: '',
    NotificationConfig: { NotificationArn: '', NotificationEvents: [], NotificationType: '' },
    CloudWatchOutputConfig: {
      CloudWatchLogGroupName: command.cloudWatch?.logGroupName ?? '',
      CloudWatchOutputEnabled: command.cloudWatch?.enabled ?? false,
    },
  };
}

/** Where the agent would upload full output (the fake does not upload it). */
function outputUrls(cloud: FakeCloud, command: FakeCommand, inv: FakeInvocation): { stdout: string; stderr: string } {
  if (!command.outputS3BucketName) return { stdout: '', stderr: '' };
  const prefix = command.outputS3KeyPrefix ? `${command.outputS3KeyPrefix}/` : '';
  const base = `https://s3.${cloud.options.region}.amazonaws.com/${command.outputS3BucketName}/${prefix}${command.commandId}/${inv.instanceId}/awsrunShellScript/0.awsrunShellScript`;
  return { stdout: `${base}/stdout`, stderr: `${base}/stderr` };
}

/** ISO 8601 duration as SSM prints it, e.g. PT0.123S. */
function isoDuration(ms: number): string {
  return `PT${(ms / 1000).toFixed(3)}S`;
}
