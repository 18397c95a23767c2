import { quoteArgv } from '@runctl/agent';

/** Read frames: `RUNCTL-READ ok <size>` (or missing, notfile), then the bytes from offset as one base64 line. */
const READ_LOOP = `while [ $# -ge 3 ]; do
  f=$1 off=$2 len=$3; shift 3
  if [ ! -e "$f" ]; then echo 'RUNCTL-READ missing'; echo; continue; fi
  if [ ! -f "$f" ]; then echo 'RUNCTL-READ notfile'; echo; continue; fi
  size=$(wc -c < "$f")
  printf 'RUNCTL-READ ok %s\\n' $size
  if [ "$off" -lt $size ] && [ "$len" -gt 0 ]; then tail -c +$((off + 1)) "$f" | head -c "$len" | base64 | tr -d '\\n'; fi
  printf '\\n'
done`;

/**
 * The fixed shell scripts the SSM transport runs. Data never becomes part
 * of a script: each runs as `sh -c <script> runctl <args…>`, the whole argv
 * quoted by the agent's `quoteArgv` (the only quoting function). Output is
 * framed (a `RUNCTL-…` header line, then base64 lines), so it is binary-safe
 * and stays under GetCommandInvocation's 24,000-character cut.
 */
export const SCRIPTS = {
  /**
   * `<request-id> <stdin-base64> <argv…>`: runs argv once per request id (a
   * repeated SendCommand waits for the first run and prints its answer);
   * prints code, sizes and the request folder, then the heads of stdout
   * and stderr. Longer output stays in the folder for the client to read.
   */
  exec: `base=\${TMPDIR:-/tmp}/runctl-exec
(umask 077 && mkdir -p "$base") 2>/dev/null
find "$base" -mindepth 1 -maxdepth 1 -mmin +120 -exec rm -rf {} + 2>/dev/null
d=$base/$1
if mkdir -m 700 "$d" 2>/dev/null; then
  printf '%s' "$2" | base64 -d > "$d/in" || exit 97
  shift 2
  "$@" < "$d/in" > "$d/out" 2> "$d/err"
  code=$?
  os=$(wc -c < "$d/out"); es=$(wc -c < "$d/err")
  {
    printf 'RUNCTL-EXEC %s %s %s %s\\n' "$code" $os $es "$(printf '%s' "$d" | base64 | tr -d '\\n')"
    head -c "$EXEC_OUT" "$d/out" | base64 | tr -d '\\n'; printf '\\n'
    head -c "$EXEC_ERR" "$d/err" | base64 | tr -d '\\n'; printf '\\n'
  } > "$d/frame.tmp" && mv -f "$d/frame.tmp" "$d/frame"
else
  waited=0
  while [ ! -f "$d/frame" ] && [ $waited -lt 36000 ]; do sleep 0.1; waited=$((waited + 1)); done
fi
cat "$d/frame"`,

  /** `<path> <offset> <length> [<path> <offset> <length>]…`: size and bytes of each file from offset. */
  read: READ_LOOP,

  /**
   * `<path> [<file> <offset> <length>]…`: type, size and mtime of path (a
   * symlink is not followed), then \`read\` frames of the extra files: the
   * read-ahead, taken after the stat.
   */
  stat: `p=$1; shift
if [ -L "$p" ]; then t=symlink; elif [ -f "$p" ]; then t=file; elif [ -d "$p" ]; then t=directory; elif [ -e "$p" ]; then t=other; else t=missing; fi
s=0; if [ "$t" = file ]; then s=$(wc -c < "$p"); fi
m=0; if [ "$t" != missing ]; then m=$(date -r "$p" +%s 2>/dev/null) || m=0; fi
printf 'RUNCTL-STAT %s %s %s\\n' "$t" $s "$m"
${READ_LOOP}`,

  /** `<path>`: canonical path, base64. */
  realpath: `[ -e "$1" ] || { echo 'RUNCTL-REALPATH missing'; exit 0; }
r=$(readlink -f -- "$1" 2>/dev/null || realpath -- "$1") || exit 1
printf 'RUNCTL-REALPATH ok %s\\n' "$(printf '%s' "$r" | base64 | tr -d '\\n')"`,

  /**
   * `<path> <mode> <index> <count> <base64>`: stores part index of count;
   * the last part joins them and moves the file into place atomically.
   * Each part replaces a file of its own, so a repeated command is harmless.
   */
  write: `f=$1 mode=$2 index=$3 count=$4 t="$1.runctl-partial"
umask 077
mkdir -p -- "$(dirname -- "$f")" || exit 1
printf '%s' "$5" | base64 -d > "$t.$index" || exit 1
if [ $((index + 1)) -eq "$count" ]; then
  : > "$t" || exit 1
  i=0
  while [ $i -lt "$count" ]; do cat "$t.$i" >> "$t" || exit 1; i=$((i + 1)); done
  chmod "$mode" "$t" && mv -f "$t" "$f" || exit 1
  i=0
  while [ $i -lt "$count" ]; do rm -f "$t.$i"; i=$((i + 1)); done
fi
echo RUNCTL-WRITE ok`,

  /** `<s3-url> <sha256> <path> <mode>`: fetches an object into a file, checks it, moves it into place. */
  fetchFile: `u=$1 sum=$2 f=$3 mode=$4 t="$3.runctl-partial"
umask 077
mkdir -p -- "$(dirname -- "$f")" || exit 1
aws s3 cp "$u" "$t" --only-show-errors || exit 1
printf '%s  %s\\n' "$sum" "$t" | sha256sum -c - >/dev/null || { rm -f "$t"; echo 'checksum mismatch' >&2; exit 1; }
chmod "$mode" "$t" && mv -f "$t" "$f" || exit 1
echo RUNCTL-FETCH ok`,

  /** `<s3-url> <sha256> <dir>`: fetches a .tar.gz, checks it, unpacks it into dir. */
  fetchTree: `u=$1 sum=$2 dir=$3
t=$(mktemp "\${TMPDIR:-/tmp}/runctl-upload.XXXXXX") || exit 1
trap 'rm -f "$t"' EXIT
aws s3 cp "$u" "$t" --only-show-errors || exit 1
printf '%s  %s\\n' "$sum" "$t" | sha256sum -c - >/dev/null || { echo 'checksum mismatch' >&2; exit 1; }
mkdir -p -- "$dir" && tar -xzf "$t" -C "$dir" --no-same-owner || exit 1
echo RUNCTL-FETCH ok`,

  /**
   * \`<path> <s3-url>\`: uploads a file as is, or a folder as a .tar.gz of its
   * files and folders (symlinks left out), with its sha256 in the metadata.
   */
  push: `p=$1 u=$2
if [ -f "$p" ] && [ ! -L "$p" ]; then
  kind=file; t=$p
elif [ -d "$p" ] && [ ! -L "$p" ]; then
  kind=tree; t=$(mktemp "\${TMPDIR:-/tmp}/runctl-download.XXXXXX") || exit 1
  trap 'rm -f "$t"' EXIT
  (cd "$p" && find . -mindepth 1 \\( -type f -o -type d \\) -print0 | tar -czf "$t" --null --no-recursion -T -) || exit 1
else
  echo 'RUNCTL-PUSH missing'; exit 0
fi
sum=$(sha256sum "$t" | cut -d' ' -f1)
size=$(wc -c < "$t")
aws s3 cp "$t" "$u" --only-show-errors --metadata "sha256=$sum" || exit 1
printf 'RUNCTL-PUSH %s %s %s\\n' "$kind" $size "$sum"`,

  /** Waits for the user data (cloud-init) to finish, then prints the home folder, base64. */
  probe: `if command -v cloud-init >/dev/null 2>&1; then cloud-init status --wait >/dev/null 2>&1 || :; fi
home=\${HOME:-}
if [ -z "$home" ] || [ "$home" = / ]; then home=$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6); fi
[ -n "$home" ] || home=/root
printf 'RUNCTL-PROBE %s\\n' "$(printf '%s' "$home" | base64 | tr -d '\\n')"`,
} as const;

export type ScriptName = keyof typeof SCRIPTS;

/** The one command line SSM runs: a fixed script, then its arguments, all quoted by `quoteArgv`. */
export function scriptCommand(name: ScriptName, args: readonly string[], env: Readonly<Record<string, string>> = {}): string {
  const prefix = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  return quoteArgv(['env', ...prefix, 'sh', '-c', SCRIPTS[name], 'runctl', ...args], `ssm.${name}`);
}
