import { InvalidInputError } from '@runctl/core';

/** One group of variables and the field they came from, for errors. */
export interface EnvGroup {
  field: 'job.environment' | 'job.secrets';
  values: Readonly<Record<string, string>>;
}

/**
 * `docker_run_env` of a Docker run: `K=V` lines joined with `\n`, which is
 * how Lyceum's runner splits them. A value containing a line break would be
 * read as two variables, so it is refused (naming the field, never the value).
 */
export function dockerRunEnv(groups: readonly EnvGroup[], provider?: string): string {
  const lines: string[] = [];
  for (const { field, values } of groups) {
    for (const [key, value] of Object.entries(values)) {
      if (/[\r\n]/.test(value)) {
        throw new InvalidInputError({
          field: `${field}.${key}`,
          provider,
          message: `Invalid ${field}.${key}: Lyceum passes Docker env as newline-separated K=V lines, so values cannot contain line breaks.`,
          hint: 'Encode the value (e.g. base64) and decode it in the job, or use VM mode.',
        });
      }
      lines.push(`${key}=${value}`);
    }
  }
  return lines.join('\n');
}
