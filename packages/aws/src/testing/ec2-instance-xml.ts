import type { FakeCloud, FakeReservation } from './fake-cloud.ts';
import type { FakeInstance } from './fake-ec2-instances.ts';
import type { XmlNode, XmlValue } from './ec2-xml.ts';

/** Tags as EC2 lists them: <tagSet><item><key/><value/></item>…</tagSet>. */
export function tagSetXml(tags: Map<string, string>): XmlValue {
  return tags.size === 0 ? undefined : [...tags].map(([key, value]) => ({ key, value }));
}

export function instanceXml(cloud: FakeCloud, inst: FakeInstance, now: number): XmlNode {
  const state = cloud.state(inst, now);
  const running = state.name === 'running';
  const gone = state.name === 'terminated';
  const volumes = inst.volumeIds.map((id) => cloud.volumes.get(id)).filter((v) => v !== undefined);
  const dns = `ip-${inst.privateIp.replace(/\./g, '-')}.ec2.internal`;
  return {
    instanceId: inst.instanceId,
    imageId: inst.imageId,
    instanceState: { code: state.code, name: state.name },
    privateDnsName: gone ? '' : dns,
    dnsName: '',
    reason: state.transitionText,
    keyName: inst.keyName,
    amiLaunchIndex: inst.amiLaunchIndex,
    productCodes: [],
    instanceType: inst.instanceType,
    launchTime: new Date(inst.launchedAt),
    placement: { availabilityZone: inst.availabilityZone, groupName: '', tenancy: 'default' },
    monitoring: { state: 'disabled' },
    subnetId: gone ? undefined : inst.subnetId,
    vpcId: gone ? undefined : inst.vpcId,
    privateIpAddress: gone ? undefined : inst.privateIp,
    sourceDestCheck: gone ? undefined : true,
    groupSet: [],
    stateReason: state.reason ? { code: state.reason.code, message: state.reason.message } : undefined,
    architecture: 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: volumes[0]?.deviceName ?? '/dev/sda1',
    blockDeviceMapping: gone
      ? []
      : volumes.map((v) => ({
          deviceName: v.deviceName,
          ebs: {
            volumeId: v.volumeId,
            status: running || state.name === 'pending' ? 'attached' : 'detaching',
            attachTime: new Date(v.createdAt),
            deleteOnTermination: v.deleteOnTermination,
          },
        })),
    virtualizationType: 'hvm',
    clientToken: inst.clientToken,
    tagSet: tagSetXml(inst.tags),
    hypervisor: 'xen',
    iamInstanceProfile: inst.iamInstanceProfile
      ? { arn: inst.iamInstanceProfile.arn, id: inst.iamInstanceProfile.id }
      : undefined,
    instanceLifecycle: inst.spot ? 'spot' : undefined,
    spotInstanceRequestId: inst.spot?.requestId,
    ebsOptimized: false,
    enaSupport: true,
    metadataOptions: {
      state: state.name === 'pending' ? 'pending' : 'applied',
      httpTokens: inst.metadataOptions.httpTokens,
      httpPutResponseHopLimit: inst.metadataOptions.httpPutResponseHopLimit,
      httpEndpoint: inst.metadataOptions.httpEndpoint,
      httpProtocolIpv6: 'disabled',
      instanceMetadataTags: inst.metadataOptions.instanceMetadataTags,
    },
    bootMode: 'uefi-preferred',
    platformDetails: 'Linux/UNIX',
    usageOperation: 'RunInstances',
  };
}

export function reservationXml(
  cloud: FakeCloud,
  reservation: FakeReservation,
  instances: FakeInstance[],
  now: number,
): XmlNode {
  return {
    reservationId: reservation.reservationId,
    ownerId: reservation.ownerId,
    groupSet: [],
    instancesSet: instances.map((inst) => instanceXml(cloud, inst, now)),
  };
}
