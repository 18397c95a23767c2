import { z } from 'zod';
import { RESOURCE_STATES, type ResourceState } from '../resource/resource-state.ts';
import { durationSchema, envSchema, nameSchema, safeStringSchema, signalSchema, tagsSchema } from './common.ts';

/** Schema of a resource id argument. */
export const resourceIdSchema = z.string().min(1, 'must not be empty').max(256).regex(/^[A-Za-z0-9._:@-]+$/, 'contains characters no provider uses in ids');

/** Schema of {@link CreateResourceOptions}. Providers `.extend()` it with their own fields. */
export const createResourceOptionsSchema = z.object({
  name: nameSchema.optional(),
  tags: tagsSchema.optional(),
  spot: z.boolean().optional(),
  maxLifetime: durationSchema.optional(),
  signal: signalSchema.optional(),
});

/** Schema of {@link TrainingJob}. */
export const trainingJobSchema = z
  .object({
    name: nameSchema.optional(),
    script: safeStringSchema.min(1).optional(),
    command: z.union([safeStringSchema.min(1), z.array(safeStringSchema).min(1, 'must have at least one element')]).optional(),
    args: z.array(safeStringSchema).optional(),
    workdir: safeStringSchema.min(1).optional(),
    dataSource: safeStringSchema.min(1).optional(),
    outputDest: safeStringSchema.min(1).optional(),
    checkpointDir: safeStringSchema.min(1).optional(),
    environment: envSchema.optional(),
    secrets: envSchema.optional(),
    maxRuntime: durationSchema.optional(),
  })
  .strict()
  .superRefine((job, context) => {
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
  });

/** Schema of {@link MonitorOptions}. */
export const monitorOptionsSchema = z
  .object({
    jobId: z.string().min(1).optional(),
    follow: z.boolean().optional(),
    cursor: z.string().min(1).optional(),
    signal: signalSchema.optional(),
  })
  .strict();

/** Schema of {@link ResourceFilter}. */
export const resourceFilterSchema = z
  .object({
    ids: z.array(z.string()).optional(),
    states: z.array(z.enum(RESOURCE_STATES as readonly ResourceState[] as [ResourceState, ...ResourceState[]])).optional(),
    tags: z.record(z.string(), z.string()).optional(),
    managedOnly: z.boolean().optional(),
  })
  .strict();

/** Schema of the `hours` argument of `estimateCost`. */
export const hoursSchema = z.number().finite().nonnegative();

/** Schema of a path argument (remote or local). */
export const pathSchema = safeStringSchema.min(1, 'must not be empty');

/** A {@link TrainingJob} after validation: `maxRuntime` is in milliseconds. */
export type ParsedTrainingJob = z.output<typeof trainingJobSchema>;
