import type { Instance, RunInstancesCommandInput, Tag } from '@aws-sdk/client-ec2';
import { RunctlError, withRetry } from '@runctl/core';
import type { AwsClients } from './aws-clients.ts';
import { awsError, awsErrorCode } from './aws-errors.ts';
import type { LaunchTokens } from './client-token.ts';
import { decodingDenials } from './decode-denial.ts';
import type { LaunchImage } from './dlami.ts';
import type { InstanceLookup } from './instance-lookup.ts';
import { describePlacement, type LaunchPlacement } from './instance-type.ts';

/** Everything one `createResource` sends to RunInstances, whatever the attempt. */
export interface LaunchRequest {
  /** The primary placement, then the fallbacks. */
  placements: readonly LaunchPlacement[];
  imageFor(instanceType: string, signal?: AbortSignal): Promise<LaunchImage>;
  tokens: LaunchTokens;
  spot: boolean;
  diskGb?: number | undefined;
  tags: Readonly<Record<string, string>>;
  userData: string;
  instanceProfile?: string | undefined;
  subnetId?: string | undefined;
  securityGroupIds?: readonly string[] | undefined;
  keyName?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** How one attempt ended. */
export interface LaunchAttempt {
  placement: LaunchPlacement;
  clientToken: string;
  error?: RunctlError;
}

/**
 * Launches one instance with RunInstances, trying each placement in turn.
 *
 * - Each attempt has its own ClientToken, and every retry of an attempt
 *   (SDK retries on throttling, 5xx and broken connections, then ours)
 *   resends the very same input: EC2 answers a repeated token with the
 *   instance it already launched, so a lost response never launches twice.
 * - No capacity (InsufficientInstanceCapacity and kin) moves on to the next
 *   placement at once, with a new token; when none is left the error is
 *   `CAPACITY`, listing what was tried.
 * - Any other error ends the launch.
 */
export async function launchInstance(clients: AwsClients, lookup: InstanceLookup, request: LaunchRequest, provider: string): Promise<{ instance: Instance; attempts: LaunchAttempt[] }> {
  const { client, sdk } = await clients.ec2();
  const attempts: LaunchAttempt[] = [];
  for (const [index, placement] of request.placements.entries()) {
    const clientToken = request.tokens.forAttempt(index);
    const attempt: LaunchAttempt = { placement, clientToken };
    attempts.push(attempt);
    const image = await request.imageFor(placement.instanceType, request.signal);
    const input = runInstancesInput(request, placement, image, clientToken);
    const operation = `RunInstances ${describePlacement(placement)}`;
    const outcome = await decodingDenials(clients, request.signal, () => withRetry(
      async () => {
        try {
          const out = await client.send(new sdk.RunInstancesCommand(input), request.signal ? { abortSignal: request.signal } : {});
          return { instance: out.Instances?.[0] };
        } catch (error) {
          if (awsErrorCode(error) === 'IdempotentParameterMismatch') return { mismatch: true as const };
          const mapped = awsError(error, { operation, provider, signal: request.signal });
          // No capacity is not retried here: the next placement is the retry.
          if (mapped.code === 'CAPACITY') return { capacity: mapped };
          throw mapped;
        }
      },
      { signal: request.signal },
    ));
    if ('capacity' in outcome) {
      attempt.error = outcome.capacity;
      continue;
    }
    const instance = 'mismatch' in outcome ? await launchedWithToken(lookup, clientToken, request.signal) : outcome.instance;
    if (instance?.InstanceId === undefined) {
      throw new RunctlError({
        code: 'INVALID_INPUT',
        provider,
        message: `${operation} failed: the ClientToken ${clientToken} was already used with other parameters, and no runctl instance carries it.`,
        hint: 'Use a new idempotencyKey for a different launch.',
      });
    }
    lookup.remember(instance);
    return { instance, attempts };
  }
  const tried = attempts.map((attempt) => `${describePlacement(attempt.placement)} (${attempt.error?.message.replace(/^AWS RunInstances [^:]*: /, '') ?? 'failed'})`);
  const last = attempts.at(-1)?.error;
  throw new RunctlError({
    code: 'CAPACITY',
    provider,
    retryable: true,
    message: `No EC2 capacity for this launch. Tried ${tried.join('; ')}.`,
    hint: last?.hint,
    cause: last,
  });
}

/** The RunInstances input of one attempt: built once, and resent unchanged by every retry. */
export function runInstancesInput(request: LaunchRequest, placement: LaunchPlacement, image: LaunchImage, clientToken: string): RunInstancesCommandInput {
  const tags: Tag[] = Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value }));
  const subnetId = placement.subnetId ?? (placement.availabilityZone === undefined ? request.subnetId : undefined);
  const profile = request.instanceProfile;
  return {
    ImageId: image.imageId,
    InstanceType: placement.instanceType as RunInstancesCommandInput['InstanceType'],
    MinCount: 1,
    MaxCount: 1,
    ClientToken: clientToken,
    // The SDK sends UserData as given; EC2 wants base64.
    UserData: Buffer.from(request.userData).toString('base64'),
    // `shutdown -h` inside the machine (the hard lifetime) terminates it, never just stops it.
    InstanceInitiatedShutdownBehavior: 'terminate',
    // IMDSv2 only; hop limit 2 so a job in a container still reaches the spot notice.
    MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
    TagSpecifications: [
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: tags },
      ...(request.spot ? [{ ResourceType: 'spot-instances-request' as const, Tags: tags }] : []),
    ],
    ...(request.spot
      ? { InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' } } }
      : {}),
    ...(request.diskGb === undefined
      ? {}
      : { BlockDeviceMappings: [{ DeviceName: image.rootDeviceName, Ebs: { VolumeSize: request.diskGb, VolumeType: 'gp3', DeleteOnTermination: true, Encrypted: true } }] }),
    ...(profile === undefined ? {} : { IamInstanceProfile: profile.startsWith('arn:') ? { Arn: profile } : { Name: profile } }),
    ...(subnetId === undefined ? {} : { SubnetId: subnetId }),
    ...(placement.availabilityZone === undefined ? {} : { Placement: { AvailabilityZone: placement.availabilityZone } }),
    ...(request.securityGroupIds === undefined ? {} : { SecurityGroupIds: [...request.securityGroupIds] }),
    ...(request.keyName === undefined ? {} : { KeyName: request.keyName }),
  };
}

/** After IdempotentParameterMismatch: the instance an earlier call launched with this token, if it is ours. */
async function launchedWithToken(lookup: InstanceLookup, clientToken: string, signal?: AbortSignal): Promise<Instance | undefined> {
  const found = await lookup.list([{ Name: 'client-token', Values: [clientToken] }], { signal });
  return found[0];
}
