import { describe, expect, it } from 'vitest';
import { parseDecodedDenial } from './decode-denial.ts';

describe('parseDecodedDenial', () => {
  it('keeps only the action, the resource and whether a Deny statement refused it', () => {
    const document = JSON.stringify({
      allowed: false,
      explicitDeny: true,
      context: { principal: { arn: 'arn:aws:iam::123456789012:user/alice' }, action: 'iam:PassRole', resource: 'arn:aws:iam::123456789012:role/runctl', conditions: { items: [] } },
    });
    expect(parseDecodedDenial(document)).toEqual({ action: 'iam:PassRole', resource: 'arn:aws:iam::123456789012:role/runctl', explicitDeny: true });
  });

  it('gives up on anything that does not name both, so the error keeps its own hint', () => {
    for (const document of [undefined, '', 'not json', 'null', '[]', '{"context":{"action":"ec2:RunInstances"}}', '{"context":{"action":1,"resource":"x"}}']) {
      expect(parseDecodedDenial(document)).toBeUndefined();
    }
  });
});
