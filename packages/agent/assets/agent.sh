#!/bin/sh
# runctl job agent. POSIX sh only: it runs under dash, busybox sh and bash,
# and needs neither Node nor Python on the machine.
#
# A job lives in a folder <jobs>/<id>/ holding:
#   cwd       working directory (one line)          written by the client
#   command   sh code that execs the job's argv     written by the client (quoted argv)
#   env       `export K='v'` lines, mode 0600       written by the client, removed once read
#   on_exit   optional sh code run after the job    written by the client
#   stdout, stderr   raw append-only output; cursors are byte offsets into them
#   timeline  "<epoch-seconds> <stdout-size> <stderr-size>" samples, one per second of output
#   pid, supervisor_pid, boot_id, started_at, finished_at, reason
#   exit_code written last, atomically: its presence means the job is over
#
# Usage:
#   agent.sh start  <jobdir> <max-runtime-seconds|0> <grace-seconds>
#   agent.sh cancel <jobdir> <grace-seconds>
#   agent.sh status <jobdir>...
#   agent.sh list   <jobsdir>        status of every job, oldest first
#   agent.sh lifetime <minutes>      power the machine off after <minutes> (cloud kill switch)

set -u
umask 077

die() { printf 'runctl-agent: %s\n' "$1" >&2; exit "${2:-2}"; }

now() { date +%s; }

# Atomic write: readers see the whole value or nothing.
put() { printf '%s\n' "$2" > "$1.tmp.$$" && mv -f "$1.tmp.$$" "$1"; }

# First writer wins (noclobber), so cancel and max-runtime never overwrite each other.
put_once() { ( set -C; printf '%s\n' "$2" > "$1" ) 2>/dev/null || :; }

size_of() {
  if [ -f "$1" ]; then
    # ls -ln field 5 is the size; POSIX, and it never reads the file.
    set -- $(ls -ln "$1"); printf '%s' "$5"
  else
    printf 0
  fi
}

boot_id() { cat /proc/sys/kernel/random/boot_id 2>/dev/null || printf none; }

has_setsid() { command -v setsid >/dev/null 2>&1; }

# Sends a signal to the job's whole process group when it has one, else to the pid.
signal_job() {
  sig=$1 pid=$2
  kill "-$sig" "-$pid" 2>/dev/null || kill "-$sig" "$pid" 2>/dev/null || :
}

cmd_start() {
  [ $# -eq 3 ] || die 'usage: start <jobdir> <max-runtime-seconds> <grace-seconds>'
  jobdir=$1
  [ -f "$jobdir/command" ] || die "no command file in $jobdir"
  [ ! -e "$jobdir/started_at" ] || die "job already started: $jobdir" 3
  if has_setsid; then
    setsid sh "$0" supervise "$@" </dev/null >/dev/null 2>&1 &
  else
    nohup sh "$0" supervise "$@" </dev/null >/dev/null 2>&1 &
  fi
  # Return once the job process exists, so callers can monitor at once.
  tries=0
  while [ ! -s "$jobdir/pid" ] && [ ! -e "$jobdir/exit_code" ]; do
    tries=$((tries + 1))
    [ "$tries" -le 2000 ] || die "job did not start within 10s: $jobdir" 4
    sleep 0.005 2>/dev/null || sleep 1
  done
  cat "$jobdir/pid" 2>/dev/null || :
}

cmd_supervise() {
  jobdir=$1 max_runtime=$2 grace=$3
  trap '' HUP
  cd "$jobdir" || exit 2
  put supervisor_pid "$$"
  : >> stdout
  : >> stderr
  if has_setsid; then
    setsid sh "$0" exec-job "$jobdir" >> stdout 2>> stderr < /dev/null &
  else
    sh "$0" exec-job "$jobdir" >> stdout 2>> stderr < /dev/null &
  fi
  pid=$!
  put pid "$pid"
  # Bookkeeping after the job is off: it costs forks the job need not wait for.
  put started_at "$(now)"
  put boot_id "$(boot_id)"

  watchdog=
  if [ "$max_runtime" -gt 0 ] 2>/dev/null; then
    sh "$0" watchdog "$jobdir" "$pid" "$max_runtime" "$grace" </dev/null >/dev/null 2>&1 &
    watchdog=$!
  fi
  sh "$0" sample "$jobdir" "$pid" </dev/null >/dev/null 2>&1 &
  sampler=$!

  wait "$pid"
  code=$?
  [ -z "$watchdog" ] || kill "$watchdog" 2>/dev/null
  kill "$sampler" 2>/dev/null
  printf '%s %s %s\n' "$(now)" "$(size_of stdout)" "$(size_of stderr)" >> timeline
  if [ -f on_exit ]; then
    ( sh ./on_exit ) > on_exit.log 2>&1 || put on_exit_failed "$?"
  fi
  put_once reason completed
  put finished_at "$(now)"
  put exit_code "$code"
}

cmd_exec_job() {
  jobdir=$1
  cd "$(cat "$jobdir/cwd")" || exit 126
  if [ -f "$jobdir/env" ]; then
    . "$jobdir/env"
    rm -f "$jobdir/env"
  fi
  # The job may write to these before creating them.
  for dir in "${RUNCTL_DATA_DIR:-}" "${RUNCTL_OUTPUT_DIR:-}" "${RUNCTL_CHECKPOINT_DIR:-}"; do
    [ -z "$dir" ] || mkdir -p "$dir" 2>/dev/null || :
  done
  . "$jobdir/command"
  exit 127
}

cmd_watchdog() {
  jobdir=$1 pid=$2 max_runtime=$3 grace=$4
  # Sleep in short steps so killing this watchdog never leaves a long sleep behind.
  elapsed=0
  while [ "$elapsed" -lt "$max_runtime" ]; do
    sleep 1
    elapsed=$((elapsed + 1))
    kill -0 "$pid" 2>/dev/null || exit 0
  done
  put_once "$jobdir/reason" max-runtime
  signal_job TERM "$pid"
  elapsed=0
  while [ "$elapsed" -lt "$grace" ] && kill -0 "$pid" 2>/dev/null; do
    sleep 1
    elapsed=$((elapsed + 1))
  done
  signal_job KILL "$pid"
}

cmd_sample() {
  jobdir=$1 pid=$2
  last=
  while kill -0 "$pid" 2>/dev/null; do
    sample="$(size_of "$jobdir/stdout") $(size_of "$jobdir/stderr")"
    if [ "$sample" != "$last" ]; then
      printf '%s %s\n' "$(now)" "$sample" >> "$jobdir/timeline"
      last=$sample
    fi
    sleep 1
  done
}

cmd_cancel() {
  [ $# -eq 2 ] || die 'usage: cancel <jobdir> <grace-seconds>'
  jobdir=$1 grace=$2
  [ -d "$jobdir" ] || die "no such job: $jobdir" 3
  [ ! -e "$jobdir/exit_code" ] || exit 0
  put_once "$jobdir/reason" cancelled
  pid=$(cat "$jobdir/pid" 2>/dev/null) || pid=
  [ -n "$pid" ] || exit 0
  signal_job TERM "$pid"
  # The follow-up SIGKILL must outlive this command (an SSH channel may close now).
  if has_setsid; then
    setsid sh "$0" kill-after "$pid" "$grace" </dev/null >/dev/null 2>&1 &
  else
    nohup sh "$0" kill-after "$pid" "$grace" </dev/null >/dev/null 2>&1 &
  fi
}

cmd_kill_after() {
  pid=$1 grace=$2
  elapsed=0
  while [ "$elapsed" -lt "$grace" ] && kill -0 "$pid" 2>/dev/null; do
    sleep 1
    elapsed=$((elapsed + 1))
  done
  signal_job KILL "$pid"
}

# One block per job: "job <dir>" then key=value lines, then a blank line.
cmd_status() {
  current_boot=$(boot_id)
  for jobdir in "$@"; do
    printf 'job %s\n' "$jobdir"
    if [ ! -d "$jobdir" ]; then
      printf 'missing=1\n\n'
      continue
    fi
    for key in pid started_at finished_at exit_code reason on_exit_failed; do
      [ ! -f "$jobdir/$key" ] || printf '%s=%s\n' "$key" "$(cat "$jobdir/$key")"
    done
    printf 'stdout_size=%s\nstderr_size=%s\n' "$(size_of "$jobdir/stdout")" "$(size_of "$jobdir/stderr")"
    if [ ! -f "$jobdir/exit_code" ] && [ -f "$jobdir/supervisor_pid" ]; then
      alive=0
      # boot_id is written just after the job starts; until then, trust the pid.
      recorded_boot=$(cat "$jobdir/boot_id" 2>/dev/null) || recorded_boot=$current_boot
      if [ "$recorded_boot" = "$current_boot" ] && kill -0 "$(cat "$jobdir/supervisor_pid")" 2>/dev/null; then
        alive=1
      fi
      printf 'alive=%s\n' "$alive"
    fi
    printf '\n'
  done
}

cmd_list() {
  [ $# -eq 1 ] || die 'usage: list <jobsdir>'
  [ -d "$1" ] || exit 0
  for jobdir in "$1"/*; do
    [ ! -d "$jobdir" ] || cmd_status "$jobdir"
  done
}

cmd_lifetime() {
  [ $# -eq 1 ] || die 'usage: lifetime <minutes>'
  minutes=$1
  if has_setsid; then
    setsid sh -c 'sleep "$1"; shutdown -h now || poweroff' sh $((minutes * 60)) </dev/null >/dev/null 2>&1 &
  else
    nohup sh -c 'sleep "$1"; shutdown -h now || poweroff' sh $((minutes * 60)) </dev/null >/dev/null 2>&1 &
  fi
  shutdown -h "+$minutes" >/dev/null 2>&1 || :
}

[ $# -ge 1 ] || die 'usage: agent.sh <start|cancel|status|list|lifetime> ...'
command=$1
shift
case "$command" in
  start) cmd_start "$@" ;;
  supervise) cmd_supervise "$@" ;;
  exec-job) cmd_exec_job "$@" ;;
  watchdog) cmd_watchdog "$@" ;;
  sample) cmd_sample "$@" ;;
  cancel) cmd_cancel "$@" ;;
  kill-after) cmd_kill_after "$@" ;;
  status) cmd_status "$@" ;;
  list) cmd_list "$@" ;;
  lifetime) cmd_lifetime "$@" ;;
  *) die "unknown command: $command" ;;
esac
