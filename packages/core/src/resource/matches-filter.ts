import type { ResourceFilter, ResourceStatus } from './resource-status.ts';
import { isManaged } from './tags.ts';

/**
 * Whether a resource passes a {@link ResourceFilter} (every given field must
 * match). Providers whose API cannot filter server-side apply it to what
 * they listed.
 */
export function matchesFilter(status: ResourceStatus, filter: { [Key in keyof ResourceFilter]?: ResourceFilter[Key] | undefined }): boolean {
  return (
    (filter.ids === undefined || filter.ids.includes(status.id)) &&
    (filter.states === undefined || filter.states.includes(status.state)) &&
    Object.entries(filter.tags ?? {}).every(([key, value]) => status.tags[key] === value) &&
    (filter.managedOnly !== true || isManaged(status.tags))
  );
}
