// Process-wide list of values that must never be shown: API keys, job secrets.
// Errors scrub them from their text when built, so a leak needs two bugs, not one.
const secrets = new Set<string>();
const MIN_SECRET_LENGTH = 4;

/**
 * Registers a value that must never appear in an error message, hint or log
 * line produced by runctl. Providers register their API keys; jobs register
 * their `secrets`. Values shorter than 4 characters are ignored, since
 * scrubbing them would mangle ordinary text.
 */
export function registerSecret(value: string | undefined): void {
  if (value !== undefined && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

/** Replaces every registered secret (and any extra ones given) in `text` with `***`. */
export function redactSecrets(text: string, extra: Iterable<string> = []): string {
  let result = text;
  // Hot path: every streamed log line passes through here.
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join('***');
  }
  for (const secret of extra) {
    if (secret.length >= MIN_SECRET_LENGTH && result.includes(secret)) {
      result = result.split(secret).join('***');
    }
  }
  return result;
}
