import { AwsApiError } from './aws-api-error.ts';
import type { Ec2Filter } from './ec2-query-parser.ts';

/**
 * EC2 filter semantics: a resource matches when, for every filter, one of
 * its values matches one of the filter's values; values may use the `*` and
 * `?` wildcards. `fieldValues` returns the resource's values for a filter
 * name, or undefined when the filter name is not supported.
 */
export function matchesFilters(
  filters: Ec2Filter[],
  fieldValues: (name: string) => string[] | undefined,
): boolean {
  return filters.every((filter) => {
    const actual = fieldValues(filter.name);
    if (actual === undefined) throw new AwsApiError('InvalidParameterValue', `The filter '${filter.name}' is invalid`);
    return filter.values.some((pattern) => actual.some((value) => wildcardMatch(pattern, value)));
  });
}

/** Rejects unsupported filter names even when there is nothing to match against. */
export function checkFilterNames(filters: Ec2Filter[], probe: (name: string) => string[] | undefined): void {
  for (const filter of filters) {
    if (probe(filter.name) === undefined) {
      throw new AwsApiError('InvalidParameterValue', `The filter '${filter.name}' is invalid`);
    }
  }
}

export function wildcardMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  const source = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** `tag:<key>`, `tag-key`, `tag-value` against a tag map. */
export function tagFilterValues(name: string, tags: Map<string, string>): string[] | undefined {
  if (name.startsWith('tag:')) {
    const value = tags.get(name.slice(4));
    return value === undefined ? [] : [value];
  }
  if (name === 'tag-key') return [...tags.keys()];
  if (name === 'tag-value') return [...tags.values()];
  return undefined;
}
