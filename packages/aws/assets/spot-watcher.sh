#!/bin/sh
# runctl spot watcher, started by the user data of Spot instances.
# Polls the IMDSv2 interruption notice (AWS recommends every 5 s; the notice
# comes two minutes ahead). On a notice, every running job is marked
# `preempted` (first writer wins, as in agent.sh), gets SIGTERM so it can
# write a checkpoint, and exits; its on_exit hook then syncs its checkpoints
# and outputs to S3. A job still running after <grace> seconds gets its
# on_preempt hook (the checkpoint sync) run anyway, before the machine goes.
#
# Usage: spot-watcher.sh <jobs-dir> <poll-seconds> <grace-seconds>
set -u
jobs=$1 poll=$2 grace=$3
imds=${AWS_EC2_METADATA_SERVICE_ENDPOINT:-http://169.254.169.254}
imds=${imds%/}
token=
token_at=0

say() { printf '%s runctl-spot-watcher: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

# Prints the notice and succeeds only when one is posted (404 otherwise).
notice() {
  now=$(date +%s)
  if [ -z "$token" ] || [ $((now - token_at)) -ge 300 ]; then
    token=$(curl -sf -m 2 -X PUT "$imds/latest/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 600') || token=
    token_at=$now
  fi
  [ -n "$token" ] || return 1
  curl -sf -m 2 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/spot/instance-action"
}

# A job whose process runs: it has a pid and no exit code yet.
is_running() { [ -f "$1/pid" ] && [ ! -e "$1/exit_code" ]; }

any_running() {
  for jobdir in "$jobs"/*; do is_running "$jobdir" && return 0; done
  return 1
}

until action=$(notice) && [ -n "$action" ]; do
  sleep "$poll"
done
say "interruption notice: $action"

for jobdir in "$jobs"/*; do
  is_running "$jobdir" || continue
  ( set -C; printf 'preempted\n' > "$jobdir/reason" ) 2>/dev/null || :
  pid=$(cat "$jobdir/pid" 2>/dev/null) || continue
  say "SIGTERM to $jobdir (pid $pid)"
  kill -TERM "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || :
done

waited=0
while [ "$waited" -lt "$grace" ] && any_running; do
  sleep 1
  waited=$((waited + 1))
done

for jobdir in "$jobs"/*; do
  is_running "$jobdir" && [ -f "$jobdir/on_preempt" ] || continue
  say "syncing checkpoints of $jobdir, still running after ${grace}s"
  ( sh "$jobdir/on_preempt" ) >> "$jobdir/on_preempt.log" 2>&1 || say "checkpoint sync of $jobdir failed"
done
say done
