import type { FakeCall, FakeFault, FakeRequestMatch } from './fake-types.ts';

interface ArmedFault {
  matches: (call: FakeCall) => boolean;
  fault: FakeFault;
  remaining: number;
}

/** Faults armed by `failNext`, handed out first-armed-first to matching requests. */
export class FaultInjector {
  #armed: ArmedFault[] = [];

  arm(match: FakeRequestMatch, fault: FakeFault, times: number): void {
    if (!(times >= 1)) throw new RangeError(`failNext: times must be at least 1, got ${times}`);
    this.#armed.push({ matches: toPredicate(match), fault, remaining: times });
  }

  /** The fault for this request, if one is armed; consumes one use of it. */
  take(call: FakeCall): FakeFault | undefined {
    const armed = this.#armed.find((candidate) => candidate.matches(call));
    if (!armed) return undefined;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.#armed.splice(this.#armed.indexOf(armed), 1);
    return armed.fault;
  }
}

function toPredicate(match: FakeRequestMatch): (call: FakeCall) => boolean {
  if (typeof match === 'function') return match;
  if (match instanceof RegExp) return (call) => match.test(`${call.method} ${call.route}`);
  const spaced = /^([A-Z]+)\s+(\S+)$/.exec(match.trim());
  const method = spaced?.[1];
  const path = spaced?.[2] ?? match.trim();
  const glob = new RegExp(`^${path.split('*').map(escapeRegExp).join('[^/]+')}$`);
  return (call) => (method === undefined || call.method === method) && glob.test(call.route);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
