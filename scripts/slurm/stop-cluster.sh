#!/bin/sh
# Stops the cluster start-cluster.sh started: slurmctld and slurmd (asked by
# scontrol, then by their pid files), then munged. It signals only the
# processes its pid files name, each checked against /proc/<pid>/comm.
set -u

stop_daemon() { # $1 pid file, $2 process name
  [ -s "$1" ] || return 0
  pid=$(cat "$1")
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ]; then
    kill "$pid" 2>/dev/null
    i=0
    while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do
      sleep 0.1
      i=$((i + 1))
    done
  fi
  # A stale slurmctld.pid also breaks `apt-get remove slurmctld` (its prerm runs scancel).
  rm -f "$1"
}

scontrol shutdown >/dev/null 2>&1 || true
stop_daemon /run/slurmd.pid slurmd
stop_daemon /run/slurmctld.pid slurmctld
stop_daemon /run/munge/munged.pid munged
echo "stop-cluster: stopped"
