/**
 * The POSIX sh program that keeps resource records on a host, run as
 * `sh -c <this> runctl-workspaces <command> <args...>`. It is a constant:
 * every value reaches it as a quoted argument ("$1"...), never as code.
 * (It avoids `${`, which a template literal would take for its own.)
 *
 * Layout under the workspaces folder <root>:
 *   <id>/.runctl/resource.json   a live resource (its workspace)
 *   .terminated/<id>.json        a tombstone, kept for a day
 *   .lock/                       mutex around claims (mkdir is atomic)
 *
 * Commands:
 *   claim <root> <host> <id> <record>  create the workspace unless a live
 *                                      resource of <host> exists ("busy <id>", exit 3)
 *   list <root>                        "L <json>" per live record, "T <json>" per tombstone
 *   release <root> <id> <tombstone>    write the tombstone, then remove the workspace
 */
export const WORKSPACES_SCRIPT = String.raw`
set -u
umask 077
lockdir=
trap '[ -z "$lockdir" ] || rmdir "$lockdir" 2>/dev/null' EXIT
trap 'exit 1' HUP INT TERM

lock() {
  deadline=$(( $(date +%s) + 30 ))
  until mkdir "$1/.lock" 2>/dev/null; do
    # Claims take milliseconds: a lock older than 30 s belongs to a dead process.
    if [ "$(date +%s)" -gt "$deadline" ]; then
      rm -rf "$1/.lock"
      deadline=$(( $(date +%s) + 30 ))
      continue
    fi
    sleep 0.05 2>/dev/null || sleep 1
  done
  lockdir="$1/.lock"
}

put() { printf '%s\n' "$2" > "$1.tmp.$$" && mv -f "$1.tmp.$$" "$1"; }

cmd=$1
shift
case "$cmd" in
  claim)
    root=$1 host=$2 id=$3 record=$4
    mkdir -p "$root" || exit 2
    lock "$root"
    for f in "$root"/*@"$host"/.runctl/resource.json; do
      if [ -f "$f" ]; then
        printf 'busy %s\n' "$(basename "$(dirname "$(dirname "$f")")")"
        exit 3
      fi
    done
    mkdir -p "$root/$id/.runctl" && put "$root/$id/.runctl/resource.json" "$record" || exit 2
    echo ok
    ;;
  list)
    root=$1
    for f in "$root"/*/.runctl/resource.json; do
      [ -f "$f" ] || continue
      printf 'L '; tr -d '\n' < "$f"; printf '\n'
    done
    if [ -d "$root/.terminated" ]; then
      find "$root/.terminated" -type f -name '*.json' -mtime +0 -exec rm -f {} + 2>/dev/null
      for f in "$root/.terminated"/*.json; do
        [ -f "$f" ] || continue
        printf 'T '; tr -d '\n' < "$f"; printf '\n'
      done
    fi
    ;;
  release)
    root=$1 id=$2 tombstone=$3
    mkdir -p "$root/.terminated" && put "$root/.terminated/$id.json" "$tombstone" || exit 2
    if [ -d "$root/$id" ]; then
      # Rename first, so a half-finished delete never looks like a live workspace.
      doomed="$root/.deleting-$id-$$"
      mv "$root/$id" "$doomed" && rm -rf "$doomed"
    fi
    echo ok
    ;;
  *)
    echo "unknown command: $cmd" >&2
    exit 2
    ;;
esac
`;
