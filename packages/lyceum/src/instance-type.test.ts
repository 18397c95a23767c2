import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@runctl/core';
import { formatInstanceType, parseInstanceType } from './instance-type.ts';

describe('parseInstanceType', () => {
  it('reads VM profiles, GPU counts and run types', () => {
    expect(parseInstanceType('a100')).toEqual({ mode: 'vm', profile: 'a100', gpuCount: undefined });
    expect(parseInstanceType('h100.8x')).toEqual({ mode: 'vm', profile: 'h100', gpuCount: 8 });
    expect(parseInstanceType('cpu')).toEqual({ mode: 'vm', profile: 'cpu', gpuCount: undefined });
    expect(parseInstanceType('run:gpu.a100')).toEqual({ mode: 'run', executionType: 'gpu.a100' });
    expect(parseInstanceType('run:cpu')).toEqual({ mode: 'run', executionType: 'cpu' });
  });

  it('maps normalized GPU names to Lyceum profiles', () => {
    expect(parseInstanceType('H100-SXM')).toMatchObject({ profile: 'h100' });
    expect(parseInstanceType('A100-80GB')).toMatchObject({ profile: 'a100' });
  });

  it.each(['h100.3x', 'h100.0x', 'cpu.2x', 'run:', 'run:gpu a100', 'RTX4090', 'a b'])('rejects %j naming instanceType', (value) => {
    try {
      parseInstanceType(value, 'lyceum');
      expect.unreachable();
    } catch (error) {
      expect(InvalidInputError.isInstance(error) && error.field).toBe('instanceType');
    }
  });

  it('formats back', () => {
    expect(formatInstanceType(parseInstanceType('a100.1x'))).toBe('a100');
    expect(formatInstanceType(parseInstanceType('a100.4x'))).toBe('a100.4x');
    expect(formatInstanceType(parseInstanceType('run:gpu.h100'))).toBe('run:gpu.h100');
  });
});
