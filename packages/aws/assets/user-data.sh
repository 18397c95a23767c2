#!/bin/sh
# runctl user data. A fixed script: only the quoted values above the marker
# line change between instances, and they hold no credential (the instance
# reaches S3 through its instance profile).
# @runctl-values@
set -u
umask 077
say() { printf 'runctl: %s\n' "$*"; }

# The data-plane user's home: SSM runs as root (often without HOME), SSH as run_as.
if [ -n "$run_as" ]; then
  home=$(getent passwd "$run_as" 2>/dev/null | cut -d: -f6)
  [ -n "$home" ] || home=/home/$run_as
else
  home=${HOME:-}
  if [ -z "$home" ] || [ "$home" = / ]; then home=$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6); fi
  [ -n "$home" ] || home=/root
fi
case $workspace in
  '~') workspace=$home ;;
  '~/'*) workspace=$home/${workspace#"~/"} ;;
esac
runctl_dir=$workspace/.runctl
mkdir -p "$runctl_dir/jobs"

# The job agent, where the client looks for it (so train need not upload it).
agent=$runctl_dir/$agent_file
printf '%s' "$agent_text" > "$agent.tmp" && chmod 700 "$agent.tmp" && mv -f "$agent.tmp" "$agent"

# The hard lifetime: the machine powers off (and, with the instance's
# shutdown behavior set to terminate, is terminated) even if every client is gone.
if [ -n "$lifetime_minutes" ]; then
  if [ -f "$agent" ]; then sh "$agent" lifetime "$lifetime_minutes"; else shutdown -h "+$lifetime_minutes"; fi
  say "lifetime: powering off in $lifetime_minutes minute(s)"
fi

# Spot instances: watch the interruption notice.
if [ -n "$watcher_text" ]; then
  printf '%s' "$watcher_text" > "$runctl_dir/spot-watcher.sh"
  if command -v setsid >/dev/null 2>&1; then
    setsid sh "$runctl_dir/spot-watcher.sh" "$runctl_dir/jobs" "$poll_seconds" "$grace_seconds" >> "$runctl_dir/spot-watcher.log" 2>&1 < /dev/null &
  else
    nohup sh "$runctl_dir/spot-watcher.sh" "$runctl_dir/jobs" "$poll_seconds" "$grace_seconds" >> "$runctl_dir/spot-watcher.log" 2>&1 < /dev/null &
  fi
  say 'spot watcher started'
fi

if [ -n "$run_as" ]; then chown -R "$run_as" "$workspace" 2>/dev/null || :; fi

# The AWS CLI carries data, outputs and checkpoints to and from S3. Deep
# Learning AMIs and Amazon Linux have it; elsewhere, install AWS CLI v2.
if ! command -v aws >/dev/null 2>&1; then
  if command -v snap >/dev/null 2>&1 && snap install aws-cli --classic >/dev/null 2>&1; then
    say 'installed the AWS CLI (snap)'
  else
    arch=$(uname -m)
    tmp=$(mktemp -d)
    if curl -sfL -o "$tmp/awscliv2.zip" "https://awscli.amazonaws.com/awscli-exe-linux-$arch.zip" && (cd "$tmp" && unzip -q awscliv2.zip) && "$tmp/aws/install" >/dev/null; then
      say 'installed the AWS CLI'
    else
      say 'could not install the AWS CLI: S3 transfers will fail on this machine'
    fi
    rm -rf "$tmp"
  fi
fi
say ready
