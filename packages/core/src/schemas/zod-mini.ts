// The zod/mini API that runctl's schemas are built with. Core exports it as
// `z` (see index.ts), so providers build their schemas without depending on
// zod themselves.
//
// Names are listed one by one on purpose: core's dist bundles zod, and
// `export * from 'zod/mini'` would keep all of it (every locale included,
// ~430 KB) where this list keeps ~35 KB. Add a name here when a schema needs it.
import { config } from 'zod/mini';
import type * as mini from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini ships without messages: its default issues all read "Invalid input".
// zod classic installs English on first use, so core does the same, unless the
// app already chose a locale (only possible when zod is not bundled, in tests).
if (config().localeError === undefined) config(en());

export {
  // Schemas
  array,
  boolean,
  custom,
  enum,
  int,
  literal,
  never,
  number,
  object,
  record,
  strictObject,
  string,
  union,
  unknown,
  // Wrappers
  nullable,
  optional,
  pipe,
  transform,
  // Object helpers
  catchall,
  extend,
  omit,
  partial,
  pick,
  // Checks, for `schema.check(...)`
  gt,
  gte,
  length,
  lt,
  lte,
  maxLength,
  maximum,
  minLength,
  minimum,
  negative,
  nonnegative,
  positive,
  refine,
  regex,
  superRefine,
  // For transforms that add an issue
  NEVER,
} from 'zod/mini';

// Types are local aliases, not re-exports: tsup's declaration bundler cannot
// tell an imported type from a value, and would publish a re-exported type as
// a value (`typeof output`) in core's `z` namespace.

/** The type a schema parses to. */
export type output<Schema> = mini.output<Schema>;
/** The type a schema accepts. */
export type input<Schema> = mini.input<Schema>;
/** Any zod/mini schema. */
export type ZodMiniType<Output = unknown, Input = unknown> = mini.ZodMiniType<Output, Input>;
/** An object schema. */
export type ZodMiniObject<
  Shape extends mini.core.$ZodShape = mini.core.$ZodShape,
  Config extends mini.core.$ZodObjectConfig = mini.core.$strip,
> = mini.ZodMiniObject<Shape, Config>;
