import {
  createResourceOptionsSchema,
  envSchema,
  integerSchema,
  oneOfSchema,
  positiveSchema,
  safeStringSchema,
  textSchema,
  z,
  type CreateResourceOptions,
} from '@runctl/core';
import type { RunpodCloud } from './runpod-api-types.ts';

/** A persistent volume on the pod's host, or an existing network volume. */
export type RunpodVolume =
  | {
      /** Host-local persistent disk in GB (at least 10); lost if the host fails. */
      sizeGb: number;
      /** Mount path (default `/workspace`). */
      path?: string;
    }
  | {
      /** Id of a network volume you created in RunPod. */
      networkVolumeId: string;
      /** Mount path (default `/workspace`). */
      path?: string;
    };

/** Options of `createResource` on RunPod: the common ones plus the pod's shape. */
export interface RunpodCreateResourceOptions extends CreateResourceOptions {
  /** GPUs in the pod (default 1). Always sent: RunPod answers "no instances" when it is missing. */
  gpuCount?: number;
  /** `SECURE` (RunPod data centers, default) or `COMMUNITY` (cheaper, hosted by others). */
  cloud?: RunpodCloud;
  /** Container image (default {@link DEFAULT_RUNPOD_IMAGE}). It must start sshd from `PUBLIC_KEY`, as RunPod's images do. */
  image?: string;
  /** Container disk in GB, wiped on restart (default 50). */
  disk?: number;
  /** Persistent storage: a size in GB (mounted at `/workspace`), or a {@link RunpodVolume}. */
  volume?: number | RunpodVolume;
  /** Container environment variables. `RUNCTL_*` and `PUBLIC_KEY` are reserved. */
  env?: Readonly<Record<string, string>>;
  /** Spot only, and required with `spot: true`: your bid in USD per GPU per hour. */
  bidPerGpu?: number;
  /** Data centers to place the pod in, in order of preference (e.g. `['EU-RO-1']`). */
  dataCenterIds?: readonly string[];
  /** Extra ports, as `"<port>/<tcp|http>"`. `22/tcp` is always added. */
  ports?: readonly string[];
}

/** RunPod's official PyTorch image (CUDA 12.8, PyTorch 2.8, Ubuntu 24.04): starts sshd from `PUBLIC_KEY`. */
export const DEFAULT_RUNPOD_IMAGE = 'runpod/pytorch:1.0.2-cu1281-torch280-ubuntu2404';
export const DEFAULT_DISK_GB = 50;
export const DEFAULT_MOUNT_PATH = '/workspace';

const mountPathSchema = textSchema.check(z.regex(/^\/[^\s]*$/, 'must be an absolute path without spaces'));
const portSchema = safeStringSchema.check(
  z.regex(/^\d{1,5}\/(tcp|http)$/, "must look like '8888/http' or '22/tcp'"),
  z.refine((port) => {
    const number = Number(port.split('/')[0]);
    return number >= 1 && number <= 65_535;
  }, 'port must be 1-65535'),
);

const volumeSchema = z.union([
  integerSchema(10, 100_000),
  z.strictObject({ sizeGb: integerSchema(10, 100_000), path: z.optional(mountPathSchema) }),
  z.strictObject({ networkVolumeId: textSchema, path: z.optional(mountPathSchema) }),
]);

/** Validates {@link RunpodCreateResourceOptions}; errors name the field (`options.gpuCount`). */
export const runpodCreateOptionsSchema = z
  .strictObject({
    ...createResourceOptionsSchema.shape,
    gpuCount: z.optional(integerSchema(1, 16)),
    cloud: z.optional(oneOfSchema<RunpodCloud>(['SECURE', 'COMMUNITY'])),
    image: z.optional(textSchema.check(z.regex(/^\S+$/, 'must be an image reference without spaces'))),
    disk: z.optional(integerSchema(1, 100_000)),
    volume: z.optional(volumeSchema),
    env: z.optional(envSchema),
    bidPerGpu: z.optional(positiveSchema),
    dataCenterIds: z.optional(z.array(textSchema.check(z.regex(/^[A-Za-z0-9-]+$/, 'must be a data center id such as EU-RO-1')))),
    ports: z.optional(z.array(portSchema)),
  })
  .check(
    z.superRefine((options, context) => {
      for (const key of Object.keys(options.env ?? {})) {
        if (key.startsWith('RUNCTL_') || key === 'PUBLIC_KEY') {
          context.addIssue({ code: 'custom', path: ['env', key], message: 'is reserved: runctl sets RUNCTL_* markers, and RunPod sets PUBLIC_KEY from your registered SSH keys' });
        }
      }
      if (options.spot === true && options.bidPerGpu === undefined) {
        context.addIssue({ code: 'custom', path: ['bidPerGpu'], message: 'is required with spot: true (your bid in USD per GPU per hour; see the spot price in the RunPod console)' });
      }
      if (options.spot !== true && options.bidPerGpu !== undefined) {
        context.addIssue({ code: 'custom', path: ['bidPerGpu'], message: 'only applies with spot: true' });
      }
    }),
  );

/** The options after validation (`maxLifetime` in ms). */
export type ParsedRunpodCreateOptions = z.output<typeof runpodCreateOptionsSchema>;
