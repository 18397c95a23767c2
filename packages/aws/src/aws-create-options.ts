import { createResourceOptionsSchema, integerSchema, textSchema, z, type CreateResourceOptions } from '@runctl/core';
import { AVAILABILITY_ZONE_PATTERN } from './aws-schemas.ts';
import type { AwsFallback } from './instance-type.ts';

/** Options of `createResource` on AWS: the common ones plus the machine's shape. */
export interface AwsCreateResourceOptions extends CreateResourceOptions {
  /**
   * AMI id (`ami-…`) or the name of an SSM parameter holding one. Default:
   * the Deep Learning Base OSS Nvidia Driver AMI (Ubuntu 22.04) for GPU
   * types, Ubuntu 22.04 otherwise, both read from AWS's public parameters.
   */
  image?: string;
  /** Root device of `image`, for `diskGb` (default `/dev/sda1`, as on Ubuntu; Amazon Linux uses `/dev/xvda`). */
  rootDeviceName?: string;
  /** Size of the root volume in GiB (encrypted gp3, deleted with the instance). Default: the image's. */
  diskGb?: number;
  /** Zone for the primary attempt (default: EC2's choice, or the zone of `subnetId`). */
  availabilityZone?: string;
  /** Subnet for the primary attempt (default `settings.subnetId`). */
  subnetId?: string;
  /**
   * Tried in order when EC2 has no capacity (InsufficientInstanceCapacity):
   * instance types or GPU aliases (`'g6.xlarge'`, `'L4'`), zones
   * (`'us-east-1b'`), or `{ instanceType, availabilityZone, subnetId }`.
   */
  fallbacks?: readonly AwsFallback[];
  /**
   * Makes the launch idempotent across processes: calling again with the
   * same key (for 24 hours at least) returns the instance the first call
   * launched, even a terminated one, instead of launching another.
   */
  idempotencyKey?: string;
}

const zoneSchema = textSchema.check(z.regex(AVAILABILITY_ZONE_PATTERN, 'must be an availability zone such as us-east-1a'));
const subnetSchema = textSchema.check(z.regex(/^subnet-[0-9a-f]+$/, 'must be a subnet id'));

const fallbackSchema = z.union([
  textSchema,
  z
    .strictObject({ instanceType: z.optional(textSchema), availabilityZone: z.optional(zoneSchema), subnetId: z.optional(subnetSchema) })
    .check(z.refine((value) => Object.keys(value).length > 0, 'must name an instance type, a zone or a subnet')),
]);

/** Schema of {@link AwsCreateResourceOptions}. */
export const awsCreateOptionsSchema = z.strictObject({
  ...createResourceOptionsSchema.shape,
  image: z.optional(textSchema.check(z.regex(/^(ami-[0-9a-f]{8,17}|\/[A-Za-z0-9_.\-/]+)$/, 'must be an AMI id (ami-…) or an SSM parameter name (/…)'))),
  rootDeviceName: z.optional(textSchema.check(z.regex(/^\/dev\/[a-z0-9]+$/, 'must be a device name such as /dev/sda1'))),
  diskGb: z.optional(integerSchema(8, 16_384)),
  availabilityZone: z.optional(zoneSchema),
  subnetId: z.optional(subnetSchema),
  fallbacks: z.optional(z.array(fallbackSchema).check(z.maxLength(20))),
  idempotencyKey: z.optional(textSchema.check(z.maxLength(512))),
});
