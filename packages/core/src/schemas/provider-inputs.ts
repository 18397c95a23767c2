import { RESOURCE_STATES, type ResourceState } from '../resource/resource-state.ts';
import { durationSchema, envSchema, nameSchema, safeStringSchema, signalSchema, tagsSchema } from './common.ts';
import * as z from './zod-mini.ts';

/** Schema of a resource id argument. */
export const resourceIdSchema = z
  .string()
  .check(z.minLength(1, 'must not be empty'), z.maxLength(256), z.regex(/^[A-Za-z0-9._:@-]+$/, 'contains characters no provider uses in ids'));

/**
 * Schema of {@link CreateResourceOptions}. Providers spread its `shape` into
 * their own `z.strictObject({ ...createResourceOptionsSchema.shape, ... })`.
 */
export const createResourceOptionsSchema = z.object({
  name: z.optional(nameSchema),
  tags: z.optional(tagsSchema),
  spot: z.optional(z.boolean()),
  maxLifetime: z.optional(durationSchema),
  signal: z.optional(signalSchema),
});

/** {@link CreateResourceOptions} and nothing else: for providers with no options of their own. */
export const strictCreateResourceOptionsSchema = z.strictObject(createResourceOptionsSchema.shape);

/** Non-empty safe text. */
const nonEmptySchema = safeStringSchema.check(z.minLength(1));

/** Schema of {@link TrainingJob}. */
export const trainingJobSchema = z
  .strictObject({
    name: z.optional(nameSchema),
    script: z.optional(nonEmptySchema),
    command: z.optional(z.union([nonEmptySchema, z.array(safeStringSchema).check(z.minLength(1, 'must have at least one element'))])),
    args: z.optional(z.array(safeStringSchema)),
    workdir: z.optional(nonEmptySchema),
    dataSource: z.optional(nonEmptySchema),
    outputDest: z.optional(nonEmptySchema),
    checkpointDir: z.optional(nonEmptySchema),
    environment: z.optional(envSchema),
    secrets: z.optional(envSchema),
    maxRuntime: z.optional(durationSchema),
  })
  .check(
    z.superRefine((job, context) => {
      if (job.script === undefined && job.command === undefined) {
        context.addIssue({ code: 'custom', path: ['script'], message: 'give either script or command' });
      }
      if (job.script !== undefined && job.command !== undefined) {
        context.addIssue({ code: 'custom', path: ['command'], message: 'give script or command, not both' });
      }
      for (const key of Object.keys(job.secrets ?? {})) {
        if (job.environment !== undefined && key in job.environment) {
          context.addIssue({ code: 'custom', path: ['secrets', key], message: 'is also set in environment' });
        }
      }
    }),
  );

/** Schema of {@link MonitorOptions}. */
export const monitorOptionsSchema = z.strictObject({
  jobId: z.optional(z.string().check(z.minLength(1))),
  follow: z.optional(z.boolean()),
  cursor: z.optional(z.string().check(z.minLength(1))),
  signal: z.optional(signalSchema),
});

/** Schema of {@link ResourceFilter}. */
export const resourceFilterSchema = z.strictObject({
  ids: z.optional(z.array(z.string())),
  states: z.optional(z.array(z.enum(RESOURCE_STATES as readonly ResourceState[] as [ResourceState, ...ResourceState[]]))),
  tags: z.optional(z.record(z.string(), z.string())),
  managedOnly: z.optional(z.boolean()),
});

/** Schema of the `hours` argument of `estimateCost`: a finite number, 0 or more. */
export const hoursSchema = z.number().check(z.nonnegative());

/** Schema of a path argument (remote or local). */
export const pathSchema = safeStringSchema.check(z.minLength(1, 'must not be empty'));

/** A {@link TrainingJob} after validation: `maxRuntime` is in milliseconds. */
export type ParsedTrainingJob = z.output<typeof trainingJobSchema>;
