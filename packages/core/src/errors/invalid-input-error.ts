import { RunctlError } from './runctl-error.ts';

const BRAND = Symbol.for('runctl.error.invalid-input');

/**
 * A public input failed validation. `field` is the dotted path of the
 * offending value, such as `job.maxRuntime` or `options.tags.team`.
 */
export class InvalidInputError extends RunctlError {
  readonly [BRAND] = true;
  /** Dotted path of the first offending field. */
  readonly field: string;
  /** Every offending field with its message, when more than one failed. */
  readonly issues: ReadonlyArray<{ field: string; message: string }>;

  constructor(options: {
    field: string;
    message: string;
    provider?: string | undefined;
    issues?: ReadonlyArray<{ field: string; message: string }>;
    hint?: string | undefined;
    cause?: unknown;
  }) {
    super({
      code: 'INVALID_INPUT',
      message: options.message,
      provider: options.provider,
      hint: options.hint,
      cause: options.cause,
      retryable: false,
    });
    this.name = 'InvalidInputError';
    this.field = options.field;
    this.issues = options.issues ?? [{ field: options.field, message: options.message }];
  }

  static override isInstance(error: unknown): error is InvalidInputError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
  }
}
