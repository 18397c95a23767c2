import type { FakeImageSubmission, FakePythonSubmission } from './fake-types.ts';
import { parseInjectedArgv } from './python-argv.ts';

export type SubmissionResult<T> = { ok: true; submission: T } | { ok: false; detail: string };

/**
 * A Python run from its validated body. `import_files` must be a JSON string
 * of `{path: contents}`; what the real API does with anything else is
 * UNKNOWN, and the fake answers 400 so such client bugs surface.
 */
export function pythonSubmission(executionId: string, body: Record<string, unknown>): SubmissionResult<FakePythonSubmission> {
  const importFiles = decodeImportFiles(body['import_files'] as string | null);
  if (importFiles === undefined) {
    return { ok: false, detail: 'import_files must be a JSON-encoded object mapping relative paths to file contents' };
  }
  const code = body['code'] as string;
  return {
    ok: true,
    submission: {
      kind: 'python',
      executionId,
      body,
      code,
      fileName: body['file_name'] as string | null,
      executionType: body['execution_type'] as string,
      timeoutSeconds: body['timeout'] as number,
      argv: parseInjectedArgv(code),
      importFiles,
      requirements: (body['requirements_content'] as string | null) ?? (typeof body['requirements'] === 'string' ? body['requirements'] : null),
    },
  };
}

/** A Docker image run from its validated body; `docker_run_env` is split on newlines, as Lyceum's execlet does. */
export function imageSubmission(executionId: string, body: Record<string, unknown>): SubmissionResult<FakeImageSubmission> {
  const env: Record<string, string> = {};
  const ignoredEnvLines: string[] = [];
  for (const line of ((body['docker_run_env'] as string | null) ?? '').split('\n')) {
    if (line.trim() === '') continue;
    const equals = line.indexOf('=');
    if (equals <= 0) ignoredEnvLines.push(line);
    else env[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return {
    ok: true,
    submission: {
      kind: 'image',
      executionId,
      body,
      image: body['docker_image_ref'] as string,
      command: body['docker_run_cmd'] as string[] | null,
      env,
      ignoredEnvLines,
      executionType: body['execution_type'] as string,
      timeoutSeconds: body['timeout'] as number,
    },
  };
}

function decodeImportFiles(text: string | null): Record<string, string> | undefined {
  if (text === null) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (!entries.every(([, contents]) => typeof contents === 'string')) return undefined;
  return Object.fromEntries(entries) as Record<string, string>;
}
