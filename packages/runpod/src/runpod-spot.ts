import { RunctlError } from '@runctl/core';
import type { RunpodCreatePodBody } from './runpod-api-types.ts';
import { graphql } from './runpod-graphql.ts';
import type { RunpodHttp } from './runpod-http.ts';

// REST v2 has no spot field; interruptible pods still come from GraphQL.
const RENT_SPOT_POD = `mutation RunctlRentSpotPod($input: PodRentInterruptableInput!) {
  podRentInterruptable(input: $input) { id name desiredStatus costPerHr }
}`;

/** `PodRentInterruptableInput`, as runctl sends it. */
export interface SpotPodInput {
  bidPerGpu: number;
  gpuTypeId: string;
  gpuCount: number;
  cloudType: 'SECURE' | 'COMMUNITY';
  name: string;
  imageName: string;
  containerDiskInGb: number;
  volumeInGb?: number;
  volumeMountPath?: string;
  networkVolumeId?: string;
  ports: string;
  env: Array<{ key: string; value: string }>;
  startSsh: true;
  supportPublicIp: true;
  dataCenterId?: string;
}

/**
 * The GraphQL input for the same pod a REST body describes, with a bid.
 * GraphQL takes one data center, so each preferred one is its own input.
 */
export function spotInputs(body: RunpodCreatePodBody, bidPerGpu: number): SpotPodInput[] {
  const base: SpotPodInput = {
    bidPerGpu,
    gpuTypeId: body.gpu.id,
    gpuCount: body.gpu.count,
    cloudType: body.cloud,
    name: body.name,
    imageName: body.image,
    containerDiskInGb: body.disk,
    ports: body.ports.join(','),
    env: Object.entries(body.env).map(([key, value]) => ({ key, value })),
    startSsh: true,
    // Community hosts need this for ssh.direct; secure ones always have a public IP.
    supportPublicIp: true,
  };
  if (body.mounts !== undefined && 'persistent' in body.mounts) Object.assign(base, { volumeInGb: body.mounts.persistent.size, volumeMountPath: body.mounts.persistent.path });
  if (body.mounts !== undefined && 'network' in body.mounts) Object.assign(base, { networkVolumeId: body.mounts.network[0].volumeId, volumeMountPath: body.mounts.network[0].path });
  const dataCenters = body.dataCenterIds ?? [];
  return dataCenters.length === 0 ? [base] : dataCenters.map((dataCenterId) => ({ ...base, dataCenterId }));
}

/** Rents one spot pod; resolves with its id. Never retried here (see `launch-pod.ts`). */
export async function rentSpotPod(http: RunpodHttp, options: { url: string; input: SpotPodInput; provider: string; signal?: AbortSignal | undefined }): Promise<string> {
  const data = await graphql<{ podRentInterruptable: { id: string } | null }>(http, {
    url: options.url,
    query: RENT_SPOT_POD,
    variables: { input: options.input },
    operation: 'podRentInterruptable',
    provider: options.provider,
    signal: options.signal,
  });
  const id = data.podRentInterruptable?.id;
  if (typeof id !== 'string' || id === '') throw new RunctlError({ code: 'PROVIDER', provider: options.provider, message: 'RunPod GraphQL podRentInterruptable returned no pod id.' });
  return id;
}
