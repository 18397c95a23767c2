import { textSchema, z } from '@runctl/core';

/** An EC2 instance type such as `g5.xlarge`. */
export const INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;

/** An availability zone such as `us-east-1a` (or a Local Zone such as `us-west-2-lax-1a`). */
export const AVAILABILITY_ZONE_PATTERN = /^[a-z]{2}(-[a-z0-9]+)+-\d[a-z]$/;

/** An EC2 instance id. */
export const INSTANCE_ID_PATTERN = /^i-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

/** An S3 bucket name (the common DNS-compatible form). */
export const bucketSchema = textSchema.check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'));
