import { createResourceOptionsSchema, hoursSchema, safeStringSchema, type CreateResourceOptions } from '@runctl/core';

/** Options of `createResource` on Lyceum. */
export interface LyceumCreateResourceOptions extends CreateResourceOptions {
  /**
   * VM mode: extra `instance_specs` sent to `POST /vms/create`, in Lyceum's
   * own field names. `gpu_count` must be 1, 2, 4 or 8 (or use `a100.4x`).
   */
  instanceSpecs?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Run mode: a Docker image (`docker_image_ref`) that `command` jobs run in.
   * Without it, commands run under Lyceum's Python runtime.
   */
  image?: string;
}

// zod reaches this package only through @runctl/core's schemas.
const specValueSchema = safeStringSchema.max(1024).or(hoursSchema).or(createResourceOptionsSchema.shape.spot.unwrap());

/** Validates {@link LyceumCreateResourceOptions}; unknown keys are errors naming them. */
export const lyceumCreateOptionsSchema = createResourceOptionsSchema
  .extend({
    instanceSpecs: createResourceOptionsSchema.pick({}).catchall(specValueSchema).optional(),
    image: safeStringSchema.min(1, 'must not be empty').regex(/^\S+$/, 'must be an image reference without spaces').optional(),
  })
  .strict();
