import { AwsApiError } from './aws-api-error.ts';
import { getBoolean, getStringList, type Ec2Request } from './ec2-query-parser.ts';
import type { XmlNode } from './ec2-xml.ts';
import type { FakeCloud } from './fake-cloud.ts';
import { addTransition, REASONS, transitionText } from './fake-ec2-instances.ts';
import { lookupInstances } from './fake-ec2-instance-lookup.ts';

/** TerminateInstances: idempotent; answers previous and current state per instance. */
export function terminateInstances(cloud: FakeCloud, req: Ec2Request): XmlNode {
  const ids = getStringList(req.params, 'InstanceId');
  if (ids.length === 0) throw new AwsApiError('MissingParameter', 'The request must contain the parameter InstanceId');
  const now = cloud.now();
  const instances = lookupInstances(cloud, ids, now);
  if (getBoolean(req.params, 'DryRun')) {
    throw new AwsApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
  }
  const changes = instances.map((inst) => {
    const previous = cloud.state(inst, now);
    addTransition(
      inst,
      { at: now, kind: 'terminate', reason: REASONS.user, text: transitionText('User initiated', now), source: 'api' },
      now,
      cloud.timing,
    );
    const current = cloud.state(inst, now);
    return {
      instanceId: inst.instanceId,
      currentState: { code: current.code, name: current.name },
      previousState: { code: previous.code, name: previous.name },
    };
  });
  cloud.tick();
  return { instancesSet: changes };
}
