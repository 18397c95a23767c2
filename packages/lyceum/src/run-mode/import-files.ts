import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError } from '@runctl/core';
import { selectWorkdirFiles } from '@runctl/agent';

/** What a workdir contributes to a Python run. */
export interface WorkdirBundle {
  /** `import_files`: relative path → contents. */
  files: Record<string, string>;
  /** `requirements.txt` of the workdir, sent as `requirements_content`. */
  requirements: string | undefined;
}

/** Lyceum's limit is UNKNOWN; runctl refuses more than this rather than send a giant request. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

/**
 * Reads a workdir for a Python run, gitignore-aware (and `.runctlignore`), as
 * the VM data plane syncs it. `import_files` carries text only, so a binary
 * file is an error naming it, not a silent omission.
 */
export async function readWorkdirBundle(workdir: string, provider?: string): Promise<WorkdirBundle> {
  const selection = await selectWorkdirFiles(workdir);
  const files: Record<string, string> = {};
  let total = 0;
  for (const path of [...selection.files].sort()) {
    const bytes = await readFile(join(workdir, path));
    if (!isUtf8(bytes) || bytes.includes(0)) {
      throw invalid(`${path} is not a text file, and Lyceum runs can only carry text files.`, 'Add it to .runctlignore (or .gitignore), put it in the bucket, or use VM mode.', provider);
    }
    total += bytes.length;
    if (total > MAX_IMPORT_BYTES) {
      throw invalid(`its files exceed ${MAX_IMPORT_BYTES / 1024 / 1024} MiB, too much to send with a run.`, 'Exclude data with .runctlignore and read it from the bucket, or use VM mode.', provider);
    }
    files[path] = bytes.toString('utf8');
  }
  return { files, requirements: files['requirements.txt'] };
}

function invalid(detail: string, hint: string, provider?: string): InvalidInputError {
  return new InvalidInputError({ field: 'job.workdir', provider, message: `Invalid job.workdir: ${detail}`, hint });
}
