/**
 * Argv that jobs run on the instance to move data between S3 and the
 * workspace with the AWS CLI (credentials from the instance profile). Each
 * is a fixed script with the URLs and paths as separate arguments, so they
 * pass through the agent's quoting untouched.
 */

const SYNC_UP = '[ -d "$1" ] || exit 0; aws s3 sync "$1" "$2" --only-show-errors --no-follow-symlinks';
const SYNC_DOWN = 'mkdir -p "$2" && aws s3 sync "$1" "$2" --only-show-errors';
// A URL ending in / is a prefix; otherwise an object, else the prefix of that name.
const FETCH = `mkdir -p "$2" || exit 1
case $1 in
  */) exec aws s3 sync "$1" "$2" --only-show-errors ;;
esac
aws s3 cp "$1" "$2/" --only-show-errors 2>/dev/null && exit 0
n=$(aws s3 ls "$1/" 2>/dev/null | head -n 1)
[ -n "$n" ] || { echo "nothing in S3 at $1" >&2; exit 1; }
exec aws s3 sync "$1/" "$2" --only-show-errors`;

function withRegion(region: string | undefined, argv: readonly string[]): readonly string[] {
  return region === undefined ? argv : ['env', `AWS_DEFAULT_REGION=${region}`, ...argv];
}

/** Fetches an `s3://` object or prefix into the data folder before the job. */
export function fetchDataArgv(url: string, dataDir: string, region?: string): readonly string[] {
  return withRegion(region, ['sh', '-c', FETCH, 'runctl-fetch', url, dataDir]);
}

/** Copies a folder to an `s3://` prefix (new and changed files; symlinks not followed); a missing folder is fine. */
export function syncUpArgv(folder: string, url: string, region?: string): readonly string[] {
  return withRegion(region, ['sh', '-c', SYNC_UP, 'runctl-sync', folder, `${url.replace(/\/+$/, '')}/`]);
}

/** Copies an `s3://` prefix into a folder (checkpoints of an earlier run of the same job). */
export function syncDownArgv(url: string, folder: string, region?: string): readonly string[] {
  return withRegion(region, ['sh', '-c', SYNC_DOWN, 'runctl-restore', `${url.replace(/\/+$/, '')}/`, folder]);
}
