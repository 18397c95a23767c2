import { describe, expect, it } from 'vitest';
import { parseReturnCode, parseRunEvent } from './run-events.ts';

describe('parseRunEvent', () => {
  it('reads output and jobFinished, with string or number return codes', () => {
    expect(parseRunEvent('{"output":{"content":"hi\\n"}}')).toEqual({ kind: 'output', content: 'hi\n' });
    expect(parseRunEvent('{"jobFinished":{"job":{"result":{"returnCode":"0"}}}}')).toEqual({ kind: 'finished', returnCode: 0, error: undefined });
    expect(parseRunEvent('{"jobFinished":{"job":{"result":{"returnCode":3}}}}')).toEqual({ kind: 'finished', returnCode: 3, error: undefined });
    expect(parseRunEvent('{"jobFinished":{"job":{"result":{"returnCode":"-1","error":"node lost"}}}}')).toEqual({ kind: 'finished', returnCode: -1, error: 'node lost' });
    expect(parseRunEvent('{"jobFinished":{}}')).toEqual({ kind: 'finished', returnCode: undefined, error: undefined });
  });

  it('reads the legacy typed forms', () => {
    expect(parseRunEvent('{"type":"output","content":"x"}')).toEqual({ kind: 'output', content: 'x' });
    expect(parseRunEvent('{"type":"completed","status":"completed"}')).toMatchObject({ kind: 'finished', error: undefined });
    expect(parseRunEvent('{"type":"error","message":"boom"}')).toEqual({ kind: 'finished', returnCode: undefined, error: 'boom' });
  });

  it('ignores anything else', () => {
    for (const data of ['', 'ping', '42', 'null', '{"heartbeat":1}', '{"output":{"content":5}}']) expect(parseRunEvent(data)).toEqual({ kind: 'ignored' });
  });

  it('parses return codes defensively', () => {
    expect(parseReturnCode(' 2 ')).toBe(2);
    expect(parseReturnCode('x')).toBeUndefined();
    expect(parseReturnCode(1.5)).toBeUndefined();
  });
});
