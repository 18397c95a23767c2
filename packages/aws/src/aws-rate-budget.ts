import { createHash } from 'node:crypto';
import { parseRetryAfter, rateBudgetFor, type RateBudget, type RequestPriority } from '@runctl/core';
import { awsErrorFacts, isThrottlingError } from './aws-errors.ts';

/** The services whose calls are paced; each has its own budget per region and account. */
export type AwsRateService = 'ec2' | 'ssm' | 's3';

/** Client-side pacing of one service, as resolved from `settings.rateLimit`. */
export interface AwsRateLimit {
  requestsPerSecond: number;
  burst: number;
}

/**
 * Defaults, per service, for one account and region. EC2 documents a token
 * bucket per API action: Describe* holds 100 tokens refilled at 20/s (50 at
 * 10/s when unfiltered), mutating actions 50 at 5/s. Half the Describe* rate
 * leaves room for the console and other tools on the same account. SSM
 * publishes no rate for Run Command, so it gets as little. S3 takes 3,500
 * writes and 5,500 reads a second per prefix; its budget is mostly there so
 * that a 503 SlowDown slows every caller.
 */
export const DEFAULT_AWS_RATE_LIMITS: Readonly<Record<AwsRateService, AwsRateLimit>> = {
  ec2: { requestsPerSecond: 10, burst: 50 },
  ssm: { requestsPerSecond: 10, burst: 20 },
  s3: { requestsPerSecond: 500, burst: 500 },
};

/** AWS sends no Retry-After with throttling errors: one second refills 5–20 EC2 tokens. */
const THROTTLE_PAUSE_MS = 1_000;
/** Longest a throttle holds every caller: the SDK's own longest retry delay. */
const MAX_PAUSE_MS = 20_000;

/** Terminate and cancel go first, polling (`Describe*`, `Get*`, `List*`, `Head*`) last, the rest in between. */
export function commandPriority(commandName: string): RequestPriority {
  if (/^(Terminate|Cancel)/.test(commandName)) return 'high';
  if (/^(Describe|Get|List|Head)/.test(commandName)) return 'low';
  return 'normal';
}

/** Whose budget a request takes from: never a secret, only a hash of where and who. */
export interface AwsBudgetScope {
  service: AwsRateService;
  region: string;
  /** A custom endpoint (tests, proxies), else undefined. */
  endpoint: string | undefined;
  /** The account id when the credentials carry it, else the access key id (public, but hashed anyway). */
  account: string;
}

/** `aws:<service>:<region>:<hash>`. */
export function awsBudgetKey(scope: AwsBudgetScope): string {
  const who = createHash('sha256').update(`${scope.endpoint ?? ''}\n${scope.account}`).digest('hex').slice(0, 24);
  return `aws:${scope.service}:${scope.region}:${who}`;
}

/** The slice of an SDK v3 client (EC2, SSM, S3) the budget needs. */
export interface PacedClient {
  config: {
    region: () => Promise<string>;
    credentials: () => Promise<{ accessKeyId: string; accountId?: string | undefined }>;
    endpoint?: (() => Promise<{ protocol: string; hostname: string; port?: number | undefined; path: string }>) | undefined;
  };
  middlewareStack: { addRelativeTo: (middleware: RateMiddleware, options: { name: string; relation: 'before'; toMiddleware: string; override: boolean }) => void };
}

/** What the middleware reads from the SDK's handler context. */
interface HandlerContext {
  commandName?: string;
  __smithy_context?: { abortSignal?: unknown };
}

type Handler<Args, Out> = (args: Args) => Promise<Out>;
type RateMiddleware = <Args, Out extends { response: unknown }>(next: Handler<Args, Out>, context: HandlerContext) => Handler<Args, Out>;

/**
 * Makes every request of `client` (each attempt of the SDK's retries and
 * each page of a paginator) wait for a token from the process-wide budget
 * of its service, region and account, by the priority of its command. A
 * throttling answer pauses every caller of that budget and halves its rate;
 * the SDK still retries on its own, so nothing is sent twice by this.
 * It runs after the retry middleware and before signing, so a long wait
 * never makes a signature stale.
 */
export function addRateBudget(client: PacedClient, service: AwsRateService, limit: AwsRateLimit): void {
  const budgetOf = async (): Promise<RateBudget> => {
    const [region, identity, endpoint] = await Promise.all([client.config.region(), client.config.credentials(), client.config.endpoint?.()]);
    const scope: AwsBudgetScope = {
      service,
      region,
      endpoint: endpoint === undefined ? undefined : `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port ?? ''}${endpoint.path}`,
      account: identity.accountId ?? identity.accessKeyId,
    };
    return rateBudgetFor(awsBudgetKey(scope), { ratePerSecond: limit.requestsPerSecond, burst: limit.burst, maxPauseMs: MAX_PAUSE_MS });
  };
  const middleware: RateMiddleware = (next, context) => async (args) => {
    const budget = await budgetOf();
    const signal = context.__smithy_context?.abortSignal;
    await budget.acquire({ priority: commandPriority((context.commandName ?? '').replace(/Command$/, '')), signal: signal instanceof AbortSignal ? signal : undefined });
    try {
      const output = await next(args);
      budget.observe((output.response as { statusCode?: number } | undefined)?.statusCode ?? 200);
      return output;
    } catch (error) {
      if (isThrottle(error, service)) budget.penalize(Math.min(retryAfterMs(error) ?? THROTTLE_PAUSE_MS, MAX_PAUSE_MS));
      throw error;
    }
  };
  client.middlewareStack.addRelativeTo(middleware, { name: 'runctlRateBudget', relation: 'before', toMiddleware: 'httpSigningMiddleware', override: true });
}

/** Throttling, and for S3 also a bare 503 (SlowDown without a readable code). */
function isThrottle(error: unknown, service: AwsRateService): boolean {
  return isThrottlingError(error) || (service === 's3' && awsErrorFacts(error).statusCode === 503);
}

/** A Retry-After on the error's raw response, should AWS ever send one. */
function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { $response?: { headers?: Record<string, string | undefined> } } | undefined)?.$response?.headers;
  return parseRetryAfter(headers?.['retry-after'] ?? null);
}
