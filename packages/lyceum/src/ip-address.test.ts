import { describe, expect, it } from 'vitest';
import { RunctlError } from '@runctl/core';
import { parseIpAddress } from './ip-address.ts';

describe('parseIpAddress', () => {
  it.each([
    ['203.0.113.10', { host: '203.0.113.10', port: 22 }],
    ['198.51.100.20:22', { host: '198.51.100.20', port: 22 }],
    ['127.0.0.1:40022', { host: '127.0.0.1', port: 40022 }],
    ['vm-1.lyceum.example', { host: 'vm-1.lyceum.example', port: 22 }],
    ['2001:db8::7', { host: '2001:db8::7', port: 22 }],
    ['[2001:db8::7]:2222', { host: '2001:db8::7', port: 2222 }],
    [' 10.0.0.1 ', { host: '10.0.0.1', port: 22 }],
  ])('reads %j', (value, endpoint) => {
    expect(parseIpAddress(value)).toEqual(endpoint);
  });

  it('has no endpoint while the address is null or empty (a ready VM may have none yet)', () => {
    expect(parseIpAddress(null)).toBeUndefined();
    expect(parseIpAddress(undefined)).toBeUndefined();
    expect(parseIpAddress('')).toBeUndefined();
  });

  it.each(['10.0.0.1:ssh', '10.0.0.1:0', '10.0.0.1:70000', ':22', 'user@10.0.0.1'])('refuses to guess at %j', (value) => {
    expect(() => parseIpAddress(value, 'lyceum')).toThrow(RunctlError);
  });
});
