import { AwsApiError } from './aws-api-error.ts';
import type { FakeCloud } from './fake-cloud.ts';
import type { FakeInstance } from './fake-ec2-instances.ts';
import { INSTANCE_ID_PATTERN } from './ids.ts';

/**
 * Resolves instance ids the way EC2 does: a malformed id is
 * InvalidInstanceID.Malformed; an id that is unknown, not yet visible
 * (eventual consistency) or long terminated makes the whole call fail with
 * InvalidInstanceID.NotFound naming every missing id.
 */
export function lookupInstances(cloud: FakeCloud, ids: string[], now: number): FakeInstance[] {
  for (const id of ids) {
    if (!INSTANCE_ID_PATTERN.test(id)) throw new AwsApiError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
  }
  const found: FakeInstance[] = [];
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const inst = cloud.instances.get(id);
    if (inst && cloud.isVisible(inst, now)) found.push(inst);
    else missing.push(id);
  }
  if (missing.length === 1) {
    throw new AwsApiError('InvalidInstanceID.NotFound', `The instance ID '${missing[0] ?? ''}' does not exist`);
  }
  if (missing.length > 1) {
    throw new AwsApiError('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);
  }
  return found;
}
