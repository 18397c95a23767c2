import { describe, expect, it } from 'vitest';
import { matchesFilter } from './matches-filter.ts';
import type { ResourceStatus } from './resource-status.ts';

const status: ResourceStatus = {
  id: 'r1', name: 'n', provider: 'p', state: 'running', raw: 'RUNNING', instanceType: 't', costPerHour: 1,
  tags: { 'runctl:managed': 'true', team: 'ml' },
};

describe('matchesFilter', () => {
  it('combines every given field with AND', () => {
    expect(matchesFilter(status, {})).toBe(true);
    expect(matchesFilter(status, { ids: ['r1', 'r2'], states: ['running'], tags: { team: 'ml' }, managedOnly: true })).toBe(true);
    expect(matchesFilter(status, { ids: ['r2'] })).toBe(false);
    expect(matchesFilter(status, { states: ['stopped'] })).toBe(false);
    expect(matchesFilter(status, { tags: { team: 'infra' } })).toBe(false);
    expect(matchesFilter({ ...status, tags: {} }, { managedOnly: true })).toBe(false);
  });
});
