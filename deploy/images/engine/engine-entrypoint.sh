#!/bin/sh
# Runs dockerd inside a (privileged) pod. With cgroup v2 the pod's own cgroup holds this process, and
# a cgroup that holds processes cannot hand controllers to child cgroups: move everything into a
# child cgroup first, then enable the controllers for the containers dockerd will create below it.
# Every build container thus stays inside the pod's cgroup and its resource limits.
set -eu

if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  mkdir -p /sys/fs/cgroup/engine
  # Move every process of this cgroup (there may be a few, e.g. tini and this shell).
  while read -r pid; do
    echo "$pid" >/sys/fs/cgroup/engine/cgroup.procs 2>/dev/null || true
  done </sys/fs/cgroup/cgroup.procs
  controllers=$(sed 's/[^ ][^ ]*/+&/g' /sys/fs/cgroup/cgroup.controllers)
  if [ -n "$controllers" ]; then
    echo "$controllers" >/sys/fs/cgroup/cgroup.subtree_control
  fi
fi

exec dockerd "$@"
