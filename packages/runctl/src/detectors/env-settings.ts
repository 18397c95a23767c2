/** A setting from the environment: trimmed, and `undefined` when unset or blank. */
export function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The API key to hand a provider explicitly. Providers read their key from
 * `process.env` on first use; when the registry is built from another
 * environment, that environment's key must win.
 */
export function apiKeyFrom(env: NodeJS.ProcessEnv, name: string): { apiKey?: string } {
  const value = env === process.env ? undefined : envValue(env, name);
  return value === undefined ? {} : { apiKey: value };
}

/** `"NAME is set"`, plus the settings the environment overrides, for `runctl providers`. */
export function describeSettings(reason: string, overrides: Readonly<Record<string, string | undefined>>): string {
  const set = Object.entries(overrides).filter(([, value]) => value !== undefined);
  return set.length === 0 ? reason : `${reason} (${set.map(([name, value]) => `${name}=${withoutCredentials(value as string)}`).join(', ')})`;
}

/** A URL's `user:password@` part is never printed. */
function withoutCredentials(value: string): string {
  if (!URL.canParse(value)) return value;
  const url = new URL(value);
  if (url.username === '' && url.password === '') return value;
  url.username = '';
  url.password = '';
  return url.toString();
}

/**
 * Creates a provider from settings read out of the environment. A value the
 * provider refuses is reported under its variable's name
 * (`Invalid RUNPOD_BASE_URL: …`), not the settings field it became.
 */
export function createFromEnv<T>(create: () => T, variables: Readonly<Record<string, string>>): T {
  try {
    return create();
  } catch (error) {
    let message = error instanceof Error ? error.message : String(error);
    for (const [field, variable] of Object.entries(variables)) message = message.replaceAll(`settings.${field}`, variable);
    throw new Error(message, { cause: error });
  }
}
