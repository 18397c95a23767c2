/** The services the fake answers: STS only for decoding IAM denials. */
export type FakeAwsService = 'ec2' | 'ssm' | 'sts';

/** One recorded HTTP request to the fake (retries appear as separate calls). */
export interface FakeAwsCall {
  seq: number;
  service: FakeAwsService;
  action: string;
  /** EC2 and STS: nested query parameters; SSM: the JSON input. */
  params: unknown;
  at: number;
  /** HTTP status answered; undefined when the connection was reset. */
  status?: number;
  /** Error code answered, if any. */
  errorCode?: string;
  /** Description of the injected fault, if one applied. */
  fault?: string;
}

/** What `failNext` injects. */
export type FakeFault =
  | {
      code: string;
      message?: string;
      /** For denials: the encoded authorization message to send (default: a random one, decodable by the fake's STS). */
      encodedMessage?: string;
      /** For denials: whether the decoded document blames a Deny statement (default false). */
      explicitDeny?: boolean;
      status?: number;
      delayMs?: number;
    }
  | { status: number; delayMs?: number }
  | { reset: 'before' | 'after'; delayMs?: number }
  | { delayMs: number };

/** Which calls a fault applies to: 'RunInstances', 'ec2:RunInstances', 'ssm:*', '*', or a predicate. */
export type CallMatcher = string | ((call: { service: FakeAwsService; action: string; params: unknown }) => boolean);

interface PendingFault {
  match: CallMatcher;
  fault: FakeFault;
  remaining: number;
}

export class FaultQueue {
  private readonly pending: PendingFault[] = [];

  add(match: CallMatcher, fault: FakeFault, times: number): void {
    this.pending.push({ match, fault, remaining: times });
  }

  clear(): void {
    this.pending.length = 0;
  }

  /** Takes the first matching fault (consuming one use). */
  take(service: FakeAwsService, action: string, params: unknown): FakeFault | undefined {
    const index = this.pending.findIndex((p) => matches(p.match, service, action, params));
    const entry = this.pending[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.pending.splice(index, 1);
    return entry.fault;
  }
}

function matches(match: CallMatcher, service: FakeAwsService, action: string, params: unknown): boolean {
  if (typeof match === 'function') return match({ service, action, params });
  if (match === '*') return true;
  const [prefix, name] = match.includes(':') ? match.split(':', 2) : [undefined, match];
  if (prefix !== undefined && prefix !== service) return false;
  return name === '*' || name === action;
}

export function describeFault(fault: FakeFault): string {
  if ('code' in fault) return `code:${fault.code}`;
  if ('reset' in fault) return `reset:${fault.reset}`;
  if ('status' in fault) return `status:${fault.status}`;
  return `delay:${fault.delayMs}ms`;
}

/**
 * The message of an IAM denial. Real EC2 appends an encoded authorization
 * message, decodable with sts:DecodeAuthorizationMessage; so does the fake.
 */
export function unauthorizedMessage(encodedMessage: string): string {
  return `You are not authorized to perform this operation. Encoded authorization failure message: ${encodedMessage}`;
}
