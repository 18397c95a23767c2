import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ignore } from 'ignore';

/** Never synced: version control and runctl's own folder. */
const ALWAYS_IGNORED = ['.git/', '.runctl/', '.hg/', '.svn/'];

/** The files and folders of a workdir that a sync should copy. */
export interface WorkdirSelection {
  files: Set<string>;
  directories: Set<string>;
  /** A filter for {@link Transport.upload} that keeps exactly this selection. */
  filter: (relativePath: string, info: { isDirectory: boolean }) => boolean;
}

/**
 * Lists a local folder the way git would see it: `.gitignore` files at every
 * level (scoped to their folder), plus `.runctlignore` for runctl-only rules.
 * Symlinks are skipped. Paths are relative and `/`-separated.
 */
export async function selectWorkdirFiles(root: string): Promise<WorkdirSelection> {
  // Loaded here, not at import: only a workdir sync needs it.
  const ignore = (await import('ignore')).default;
  const files = new Set<string>();
  const directories = new Set<string>();
  const walk = async (relative: string, rules: Array<{ base: string; matcher: Ignore }>): Promise<void> => {
    const absolute = relative === '' ? root : join(root, relative);
    const local = await rulesIn(absolute, ignore);
    const active = local === undefined ? rules : [...rules, { base: relative, matcher: local }];
    for (const entry of await readdir(absolute, { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const isDirectory = entry.isDirectory();
      if (!isDirectory && !entry.isFile()) continue;
      if (isIgnored(active, path, isDirectory)) continue;
      if (isDirectory) {
        directories.add(path);
        await walk(path, active);
      } else {
        files.add(path);
      }
    }
  };
  await walk('', [{ base: '', matcher: ignore().add(ALWAYS_IGNORED) }]);
  return {
    files,
    directories,
    filter: (relativePath, info) => (info.isDirectory ? directories.has(relativePath) : files.has(relativePath)),
  };
}

async function rulesIn(folder: string, ignore: () => Ignore): Promise<Ignore | undefined> {
  let matcher: Ignore | undefined;
  for (const name of ['.gitignore', '.runctlignore']) {
    const text = await readFile(join(folder, name), 'utf8').catch(() => undefined);
    if (text !== undefined) (matcher ??= ignore()).add(text);
  }
  return matcher;
}

function isIgnored(rules: ReadonlyArray<{ base: string; matcher: Ignore }>, path: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const { base, matcher } of rules) {
    const scoped = base === '' ? path : path.slice(base.length + 1);
    const result = matcher.test(isDirectory ? `${scoped}/` : scoped);
    // Deeper .gitignore files may re-include (!pattern) what shallower ones excluded.
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}
