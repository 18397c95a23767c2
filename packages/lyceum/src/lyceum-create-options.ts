import { createResourceOptionsSchema, hoursSchema, safeStringSchema, textSchema, z, type CreateResourceOptions } from '@runctl/core';

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

const specValueSchema = z.union([safeStringSchema.check(z.maxLength(1024)), hoursSchema, z.boolean()]);

/** Validates {@link LyceumCreateResourceOptions}; unknown keys are errors naming them. */
export const lyceumCreateOptionsSchema = z.strictObject({
  ...createResourceOptionsSchema.shape,
  instanceSpecs: z.optional(z.catchall(z.object({}), specValueSchema)),
  image: z.optional(textSchema.check(z.regex(/^\S+$/, 'must be an image reference without spaces'))),
});
