// sshd sessions do not inherit a container's environment (PATH with conda,
// CUDA variables, RUNPOD_*), so every command first re-exports the env of
// the container's PID 1, as RunPod's own CLIs do. Both scripts are fixed
// text; the command's argv follows as separate, quoted arguments.

/** bash: export each `NAME=value` of the NUL-separated file `$1`, keeping the session's identity, then run the rest. */
const RESTORE = [
  'file=$1; shift',
  'if [ -r "$file" ]; then',
  "  while IFS= read -r -d '' entry; do",
  '    name=${entry%%=*}',
  '    case $name in',
  '      HOME|USER|LOGNAME|SHELL|PWD|OLDPWD|SHLVL|_|TERM|SSH_*|MAIL) ;;',
  '      *[!A-Za-z0-9_]*|[0-9]*|"") ;;',
  '      *) [ "$name" != "$entry" ] && export "$entry" ;;',
  '    esac',
  '  done < "$file"',
  'fi',
  'exec "$@"',
].join('\n');

/** sh: use bash for the restore when the image has it; otherwise run the command as it is. */
const LAUNCH = [
  'script=$1; file=$2; shift 2',
  'if command -v bash >/dev/null 2>&1; then exec bash -c "$script" runctl-env "$file" "$@"; fi',
  'exec "$@"',
].join('\n');

/**
 * The `envPrefix` for the SSH transport: restores the container environment
 * from `environFile` (default `/proc/1/environ`) before every command.
 */
export function containerEnvPrefix(environFile = '/proc/1/environ'): string[] {
  return ['sh', '-c', LAUNCH, 'runctl-env', RESTORE, environFile];
}
