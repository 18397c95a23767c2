import type { GetCommandInvocationCommandOutput } from '@aws-sdk/client-ssm';
import { RunctlError, abortError, redactSecrets, sleep, withRetry } from '@runctl/core';
import type { AwsClients } from '../aws-clients.ts';
import { awsError, awsErrorCode } from '../aws-errors.ts';

/** What the SSM transport needs to run commands on one instance. */
export interface SsmCommandContext {
  clients: AwsClients;
  instanceId: string;
  provider: string;
  /** First wait between GetCommandInvocation polls (default 100 ms); it grows to 1 s. */
  pollMs?: number;
  /**
   * Whether the instance is gone (stopped, terminated, reclaimed), and why.
   * An invocation on a dead instance stays "in progress" until its timeouts
   * pass, so a long wait checks this instead of hanging.
   */
  instanceGone?: (signal?: AbortSignal) => Promise<string | undefined>;
  /** How long a command may wait before each further poll also asks `instanceGone` (default 10 s). */
  livenessMs?: number;
}

/** The outcome of one command. */
export interface SsmCommandResult {
  responseCode: number;
  /** StandardOutputContent: the first 24,000 characters. */
  stdout: string;
  /** StandardErrorContent: the first 8,000 characters. */
  stderr: string;
}

export interface SsmCommandOptions {
  signal?: AbortSignal | undefined;
  /** Give up after this long with `TIMEOUT` (and cancel the command). */
  timeoutMs?: number | undefined;
  /** The document's executionTimeout in seconds (default 3600, at most 172800). */
  executionTimeoutSeconds?: number | undefined;
}

const TERMINAL = new Set(['Success', 'Failed', 'Cancelled', 'TimedOut']);
/** How long InvocationDoesNotExist (eventual consistency after SendCommand) is tolerated. */
const INVOCATION_VISIBLE_WITHIN_MS = 60_000;

/**
 * Runs one shell command line on the instance with SendCommand
 * (AWS-RunShellScript) and polls GetCommandInvocation until it ends.
 *
 * - InvalidInstanceId right after the agent came online, and
 *   InvocationDoesNotExist right after SendCommand, are eventual
 *   consistency: retried.
 * - SendCommand has no idempotency token, so a retry after a lost answer
 *   may run a command twice: every script the transport sends is safe to
 *   repeat (exec deduplicates by request id, writes replace whole parts).
 * - A command line never carries a registered secret (SSM keeps command
 *   parameters in its history); a bug that would send one throws instead.
 * - Abort or timeout cancels the command.
 */
export async function runSsmCommand(context: SsmCommandContext, commandLine: string, options: SsmCommandOptions = {}): Promise<SsmCommandResult> {
  const { signal } = options;
  const { provider, instanceId } = context;
  if (redactSecrets(commandLine) !== commandLine) {
    throw new RunctlError({ code: 'UNSUPPORTED', provider, message: 'Refused to put a secret into an SSM command: SSM keeps command parameters in its history. Pass secrets in job.secrets (they travel through S3).' });
  }
  const { client, sdk } = await context.clients.ssm();
  const started = Date.now();
  const deadline = options.timeoutMs === undefined ? undefined : started + options.timeoutMs;

  const sent = await withRetry(
    async (attempt): Promise<{ commandId: string } | { gone: string }> => {
      try {
        const out = await client.send(
          new sdk.SendCommandCommand({
            InstanceIds: [instanceId],
            DocumentName: 'AWS-RunShellScript',
            Comment: 'runctl',
            TimeoutSeconds: 60,
            Parameters: { commands: [commandLine], executionTimeout: [String(options.executionTimeoutSeconds ?? 3600)] },
          }),
          signal ? { abortSignal: signal } : {},
        );
        const id = out.Command?.CommandId;
        if (id === undefined) throw new RunctlError({ code: 'PROVIDER', provider, message: 'SSM SendCommand returned no command id.' });
        return { commandId: id };
      } catch (error) {
        if (awsErrorCode(error) !== 'InvalidInstanceId') throw awsError(error, { operation: `SendCommand ${instanceId}`, provider, signal });
        // Right after registration SSM may not route to the agent yet (retried); a dead instance is another matter.
        const gone = attempt >= 1 ? await context.instanceGone?.(signal) : undefined;
        if (gone !== undefined) return { gone };
        throw new RunctlError({ code: 'PROVIDER', provider, retryable: true, message: `SSM cannot reach ${instanceId} (its agent is not connected).` });
      }
    },
    { signal, policy: { maxRetries: 6, initialDelayMs: 500, maxDelayMs: 5_000 } },
  );
  if ('gone' in sent) {
    // Retryable, like a dropped connection: a follower then asks whether the resource is lost.
    throw new RunctlError({ code: 'PROVIDER', provider, retryable: true, message: `SSM cannot reach ${instanceId}: the instance is ${sent.gone}.` });
  }
  const { commandId } = sent;

  let delay = context.pollMs ?? 100;
  let lastLiveness = started;
  for (;;) {
    if (signal?.aborted) {
      void cancel(context, commandId);
      throw abortError(signal, provider);
    }
    if (deadline !== undefined && Date.now() > deadline) {
      void cancel(context, commandId);
      throw new RunctlError({ code: 'TIMEOUT', provider, retryable: true, message: `A command on ${instanceId} did not finish within ${options.timeoutMs}ms.` });
    }
    await sleep(delay, signal).catch((error: unknown) => {
      void cancel(context, commandId);
      throw error;
    });
    delay = Math.min(1_000, Math.round(delay * 1.5));
    let invocation: GetCommandInvocationCommandOutput | undefined;
    try {
      invocation = await client.send(new sdk.GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }), signal ? { abortSignal: signal } : {});
    } catch (error) {
      if (awsErrorCode(error) !== 'InvocationDoesNotExist' || Date.now() - started > INVOCATION_VISIBLE_WITHIN_MS) {
        throw awsError(error, { operation: `GetCommandInvocation ${instanceId}`, provider, signal });
      }
    }
    const status = invocation?.Status ?? 'Pending';
    if (TERMINAL.has(status)) return finished(invocation as GetCommandInvocationCommandOutput, context);
    if (Date.now() - lastLiveness >= (context.livenessMs ?? 10_000) && context.instanceGone !== undefined) {
      lastLiveness = Date.now();
      const gone = await context.instanceGone(signal);
      if (gone !== undefined) {
        throw new RunctlError({ code: 'PROVIDER', provider, retryable: true, message: `Lost ${instanceId} during a command: the instance is ${gone}.` });
      }
    }
  }
}

function finished(invocation: GetCommandInvocationCommandOutput, context: SsmCommandContext): SsmCommandResult {
  const { provider, instanceId } = context;
  const status = invocation.Status;
  const details = invocation.StatusDetails ?? status;
  if (status === 'Success' || (status === 'Failed' && details === 'Failed' && (invocation.ResponseCode ?? -1) >= 0)) {
    return { responseCode: invocation.ResponseCode ?? -1, stdout: invocation.StandardOutputContent ?? '', stderr: invocation.StandardErrorContent ?? '' };
  }
  const stderr = (invocation.StandardErrorContent ?? '').trim().slice(0, 500);
  if (status === 'TimedOut') {
    return fail('TIMEOUT', `A command on ${instanceId} timed out in SSM (${details}).${stderr ? ` ${stderr}` : ''}`);
  }
  return fail('PROVIDER', `A command on ${instanceId} ended ${status} (${details}).${stderr ? ` ${stderr}` : ''}`);

  function fail(code: 'TIMEOUT' | 'PROVIDER', message: string): never {
    // Undeliverable/Terminated mean the agent or instance went away: worth a reconnect.
    throw new RunctlError({ code, provider, retryable: true, message });
  }
}

async function cancel(context: SsmCommandContext, commandId: string): Promise<void> {
  try {
    const { client, sdk } = await context.clients.ssm();
    await client.send(new sdk.CancelCommandCommand({ CommandId: commandId, InstanceIds: [context.instanceId] }));
  } catch {
    // Best effort: the command ends on its own.
  }
}
