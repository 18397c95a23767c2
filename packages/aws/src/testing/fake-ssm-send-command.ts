import { AwsApiError } from './aws-api-error.ts';
import type { FakeCloud } from './fake-cloud.ts';
import { pingStatus } from './fake-ssm-instance-information.ts';
import { newCommandId } from './ids.ts';
import { commandStatus, type FakeCommand, type FakeInvocation, type SsmCommandRunner } from './ssm-commands.ts';
import {
  checkRange,
  epochSeconds,
  optBoolean,
  optNumber,
  optObject,
  optObjectList,
  optString,
  optStringList,
  reqString,
  type JsonObject,
} from './ssm-json.ts';

const RUN_SHELL_SCRIPT = 'AWS-RunShellScript';
const DOCUMENT_PARAMETERS = ['commands', 'workingDirectory', 'executionTimeout'];
const DEFAULT_EXECUTION_TIMEOUT = 3600;
const MAX_EXECUTION_TIMEOUT = 172_800;
const DEFAULT_DELIVERY_TIMEOUT = 3600;

/** SendCommand with AWS-RunShellScript to instances whose agent is Online. */
export function sendCommand(cloud: FakeCloud, runner: SsmCommandRunner, input: JsonObject): JsonObject {
  const documentName = reqString(input, 'DocumentName');
  if (documentName !== RUN_SHELL_SCRIPT) {
    throw new AwsApiError('InvalidDocument', `Document with name ${documentName} does not exist.`);
  }
  const timeoutSeconds = optNumber(input, 'TimeoutSeconds');
  checkRange('TimeoutSeconds', timeoutSeconds, 30, 2_592_000);
  const comment = optString(input, 'Comment') ?? '';
  if (comment.length > 100) {
    throw new AwsApiError(
      'ValidationException',
      "1 validation error detected: Value at 'comment' failed to satisfy constraint: Member must have length less than or equal to 100",
    );
  }
  const parameters = parseParameters(input);
  const instanceIds = resolveTargets(cloud, input);
  const now = cloud.now();
  const notReady = instanceIds.filter((id) => {
    const inst = cloud.instances.get(id);
    return !inst || pingStatus(cloud, inst, now) !== 'Online';
  });
  if (notReady.length > 0) {
    throw new AwsApiError(
      'InvalidInstanceId',
      `Instances [[${notReady.join(', ')}]] not in a valid state for account ${cloud.options.accountId}`,
    );
  }
  const commandId = newCommandId();
  const visibleAt = now + cloud.options.ssm.invocationVisibleAfterMs;
  const invocations = new Map<string, FakeInvocation>(
    instanceIds.map((instanceId) => [
      instanceId,
      {
        commandId,
        instanceId,
        requestedAt: now,
        visibleAt,
        status: 'Pending',
        statusDetails: 'Pending',
        responseCode: -1,
        stdout: '',
        stderr: '',
        orphaned: false,
        timedOut: false,
        cancelRequested: false,
      },
    ]),
  );
  const cloudWatch = optObject(input, 'CloudWatchOutputConfig');
  const command: FakeCommand = {
    commandId,
    documentName,
    comment,
    parameters,
    instanceIds,
    requestedAt: now,
    timeoutSeconds: timeoutSeconds ?? DEFAULT_DELIVERY_TIMEOUT,
    executionTimeoutSeconds: Number(parameters['executionTimeout']?.[0] ?? DEFAULT_EXECUTION_TIMEOUT),
    ...optionalString('workingDirectory', parameters['workingDirectory']?.[0]),
    ...optionalString('outputS3BucketName', optString(input, 'OutputS3BucketName')),
    ...optionalString('outputS3KeyPrefix', optString(input, 'OutputS3KeyPrefix')),
    ...(cloudWatch
      ? {
          cloudWatch: {
            enabled: optBoolean(cloudWatch, 'CloudWatchOutputEnabled') ?? false,
            logGroupName: optString(cloudWatch, 'CloudWatchLogGroupName') ?? '',
          },
        }
      : {}),
    invocations,
  };
  runner.start(command);
  return { Command: commandJson(cloud, command) };
}

function optionalString<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: string });
}

function parseParameters(input: JsonObject): Record<string, string[]> {
  const raw = optObject(input, 'Parameters') ?? {};
  const parameters: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!DOCUMENT_PARAMETERS.includes(name)) {
      throw new AwsApiError('InvalidParameters', `Parameter "${name}" is not defined in document ${RUN_SHELL_SCRIPT}.`);
    }
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw new AwsApiError('InvalidParameters', `Parameter "${name}" must be a list of strings.`);
    }
    parameters[name] = value as string[];
  }
  if (!parameters['commands'] || parameters['commands'].length === 0) {
    throw new AwsApiError('InvalidParameters', 'Parameter "commands" is required.');
  }
  const timeout = parameters['executionTimeout'];
  if (timeout) {
    const value = timeout[0] ?? '';
    const seconds = Number(value);
    if (timeout.length !== 1 || !/^[1-9][0-9]*$/.test(value) || seconds > MAX_EXECUTION_TIMEOUT) {
      throw new AwsApiError(
        'InvalidParameters',
        `Parameter "executionTimeout" "${timeout.join(',')}" does not match the allowed pattern (1 to ${MAX_EXECUTION_TIMEOUT} seconds).`,
      );
    }
  }
  return parameters;
}

/** InstanceIds, or Targets by `InstanceIds` / `tag:<key>`. */
function resolveTargets(cloud: FakeCloud, input: JsonObject): string[] {
  const ids = optStringList(input, 'InstanceIds');
  const targets = optObjectList(input, 'Targets');
  if (ids && targets) throw new AwsApiError('InvalidParameters', 'InstanceIds and Targets cannot both be specified.');
  let resolved: string[];
  if (targets) {
    resolved = [];
    for (const target of targets) {
      const key = optString(target, 'Key') ?? '';
      const values = optStringList(target, 'Values') ?? [];
      if (key === 'InstanceIds') resolved.push(...values);
      else if (key.startsWith('tag:')) {
        for (const inst of cloud.instances.values()) {
          if (values.includes(inst.tags.get(key.slice(4)) ?? '\u0000')) resolved.push(inst.instanceId);
        }
      } else throw new AwsApiError('InvalidTarget', `Target key ${key} is not supported.`);
    }
  } else {
    resolved = ids ?? [];
  }
  if (resolved.length === 0) {
    throw new AwsApiError('ValidationException', 'Either InstanceIds or Targets must be specified.');
  }
  if (resolved.length > 50) {
    throw new AwsApiError(
      'ValidationException',
      "1 validation error detected: Value at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50",
    );
  }
  if (new Set(resolved).size !== resolved.length) {
    throw new AwsApiError('DuplicateInstanceId', 'You cannot specify an instance ID in more than one association.');
  }
  return resolved;
}

export function commandJson(cloud: FakeCloud, command: FakeCommand): JsonObject {
  const invocations = [...command.invocations.values()];
  const done = invocations.filter((i) => !['Pending', 'InProgress', 'Delayed', 'Cancelling'].includes(i.status));
  const status = commandStatus(command);
  return {
    CommandId: command.commandId,
    DocumentName: command.documentName,
    DocumentVersion: '$DEFAULT',
    Comment: command.comment,
    ExpiresAfter: epochSeconds(
      command.requestedAt + (command.timeoutSeconds + command.executionTimeoutSeconds) * 1000,
    ),
    Parameters: command.parameters,
    InstanceIds: command.instanceIds,
    Targets: [],
    RequestedDateTime: epochSeconds(command.requestedAt),
    Status: status,
    StatusDetails: status,
    OutputS3Region: cloud.options.region,
    OutputS3BucketName: command.outputS3BucketName ?? '',
    OutputS3KeyPrefix: command.outputS3KeyPrefix ?? '',
    MaxConcurrency: '50',
    MaxErrors: '0',
    TargetCount: invocations.length,
    CompletedCount: done.length,
    ErrorCount: done.filter((i) => i.status === 'Failed').length,
    DeliveryTimedOutCount: done.filter((i) => i.statusDetails === 'DeliveryTimedOut').length,
    ServiceRole: '',
    NotificationConfig: { NotificationArn: '', NotificationEvents: [], NotificationType: '' },
    CloudWatchOutputConfig: {
      CloudWatchLogGroupName: command.cloudWatch?.logGroupName ?? '',
      CloudWatchOutputEnabled: command.cloudWatch?.enabled ?? false,
    },
    TimeoutSeconds: command.timeoutSeconds,
  };
}
