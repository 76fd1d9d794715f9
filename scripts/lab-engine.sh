#!/usr/bin/env bash
# lab-engine.sh — give Docker Lab a real Docker Engine and a real registry.
#
#   scripts/lab-engine.sh up       find or start an engine and a registry, make the base images
#   scripts/lab-engine.sh down     stop what `up` started (nothing else)
#   scripts/lab-engine.sh status   say what is in use
#   scripts/lab-engine.sh env      print the environment for the server and tests (sh syntax)
#   scripts/lab-engine.sh stop-engine | stop-registry   (fault tests) stop one private part; `up` restarts it
#
# Engine: $DOCKER_HOST if it answers; else /var/run/docker.sock if it answers; else (Linux, root)
# Debian's docker.io is installed if missing and a private dockerd runs under the state folder.
# Registry: $LAB_REGISTRY if it answers; else a private Distribution registry on 127.0.0.1
# with an htpasswd file holding the lab's demo user.
# Base images the lessons use (busybox, debian:bookworm-slim) cannot be pulled here: they are
# made locally and kept in the engine between runs.
#
# State lives in $LAB_STATE_DIR (default: .lab/ in the repository, ignored by git).
# Idempotent: a second `up` checks and returns in seconds.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${LAB_STATE_DIR:-$ROOT/.lab}
RUN=$STATE/run
LOGS=$STATE/log
REGISTRY_PORT=${LAB_REGISTRY_PORT:-5000}
LAB_USER=${LAB_REGISTRY_USER:-student}
LAB_PASSWORD=${LAB_REGISTRY_PASSWORD:-docker-lab}
ENV_FILE=$STATE/env
# BuildKit inside dockerd clips a step's log at 200 KiB/s by default; the lab shows whole logs.
BUILDKIT_LOG_LIMIT=1073741824

say() { printf '[lab-engine] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# --- probes -------------------------------------------------------------------------------

# engine_answers HOST: true when the Engine API at HOST (unix:///path or tcp://h:p) answers _ping.
engine_answers() {
  local host=$1
  case "$host" in
    unix://*) curl -fsS --max-time 3 --unix-socket "${host#unix://}" http://engine/_ping >/dev/null 2>&1 ;;
    tcp://*) curl -fsS --max-time 3 "http://${host#tcp://}/_ping" >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

# registry_answers ADDR: a Distribution registry answers /v2/ (200, or 401 when auth is on).
registry_answers() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$1/v2/" 2>/dev/null || true)
  [[ $code == 200 || $code == 401 ]]
}

# pid_alive PIDFILE NAME: the pidfile names a live process called NAME (a stale pidfile after a
# reboot may name some other process that got the same number).
pid_alive() {
  [[ -f $1 ]] || return 1
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  [[ -z ${2:-} || $(cat "/proc/$pid/comm" 2>/dev/null) == "$2"* ]]
}

need_root_linux() {
  [[ $(uname -s) == Linux ]] || die "no Docker Engine answers and one can only be started automatically on Linux; set DOCKER_HOST"
  [[ $(id -u) == 0 ]] || die "no Docker Engine answers; run this as root to start a private one, or set DOCKER_HOST"
}

apt_install() {
  local missing=("$@")
  say "installing ${missing[*]} (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  # apt-get update once per run of this script, and only if needed.
  if [[ -z ${LAB_APT_UPDATED:-} ]]; then apt-get update -qq >/dev/null; LAB_APT_UPDATED=1; fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v htpasswd >/dev/null || missing+=(apache2-utils)
  dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  if ((${#missing[@]})); then
    apt_install "${missing[@]}"
    # On a machine with systemd, these packages start their own services (a system dockerd,
    # a registry on :5000); the lab runs private ones, so stop what the install just started.
    if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
      systemctl disable --now docker.service docker.socket docker-registry.service >/dev/null 2>&1 || true
    fi
  fi
}

# --- engine -------------------------------------------------------------------------------

PRIVATE_SOCK=$RUN/docker.sock
# BuildKit ignores per-build memory and CPU limits, so the private engine runs every build
# container under one cgroup with these limits (all builds together; see the operators' page).
BUILD_CGROUP=docker-lab-builds
BUILD_MEMORY=${LAB_BUILD_MEMORY_BYTES:-2147483648}
BUILD_CPUS=${LAB_BUILD_CPUS:-1}
CGROUP_ARGS=()

setup_build_cgroup() {
  local quota
  quota=$(awk -v c="$BUILD_CPUS" 'BEGIN { printf "%d", c * 100000 }')
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then # cgroup v2
    mkdir -p "/sys/fs/cgroup/$BUILD_CGROUP" || return 0
    echo "+memory +cpu" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
    [[ $BUILD_MEMORY == 0 ]] || echo "$BUILD_MEMORY" >"/sys/fs/cgroup/$BUILD_CGROUP/memory.max" 2>/dev/null || true
    [[ $quota == 0 ]] || echo "$quota 100000" >"/sys/fs/cgroup/$BUILD_CGROUP/cpu.max" 2>/dev/null || true
  elif [[ -d /sys/fs/cgroup/memory && -d /sys/fs/cgroup/cpu ]]; then # cgroup v1
    mkdir -p "/sys/fs/cgroup/memory/$BUILD_CGROUP" "/sys/fs/cgroup/cpu/$BUILD_CGROUP" || return 0
    [[ $BUILD_MEMORY == 0 ]] || echo "$BUILD_MEMORY" >"/sys/fs/cgroup/memory/$BUILD_CGROUP/memory.limit_in_bytes" 2>/dev/null || true
    if [[ $quota != 0 ]]; then
      echo 100000 >"/sys/fs/cgroup/cpu/$BUILD_CGROUP/cpu.cfs_period_us" 2>/dev/null || true
      echo "$quota" >"/sys/fs/cgroup/cpu/$BUILD_CGROUP/cpu.cfs_quota_us" 2>/dev/null || true
    fi
  else
    return 0
  fi
  CGROUP_ARGS=(--cgroup-parent "/$BUILD_CGROUP")
}

wait_for_engine() {
  local i
  for i in $(seq 1 60); do
    engine_answers "unix://$PRIVATE_SOCK" && return 0
    sleep 0.5
  done
  return 1
}

start_dockerd() {
  need_root_linux
  ensure_packages
  mkdir -p "$STATE/docker" "$RUN" "$LOGS" "$STATE/exec"
  if pid_alive "$RUN/dockerd.pid" dockerd; then
    # Ours is running (perhaps still starting): wait for it rather than start a second one.
    wait_for_engine && return 0
    die "the private dockerd (pid $(cat "$RUN/dockerd.pid")) does not answer; see $LOGS/dockerd.log, or run: $0 down"
  fi
  rm -f "$RUN/dockerd.pid" # stale after a reboot: dockerd refuses to start over it
  say "starting a private dockerd (data in $STATE/docker, log in $LOGS/dockerd.log)"
  rm -f "$PRIVATE_SOCK"
  setup_build_cgroup
  # setsid: the daemon outlives this script and is not in the caller's process group.
  BUILDKIT_STEP_LOG_MAX_SIZE=$BUILDKIT_LOG_LIMIT BUILDKIT_STEP_LOG_MAX_SPEED=$BUILDKIT_LOG_LIMIT \
    setsid dockerd \
      --data-root "$STATE/docker" \
      --exec-root "$STATE/exec" \
      --pidfile "$RUN/dockerd.pid" \
      -H "unix://$PRIVATE_SOCK" \
      --storage-driver overlay2 \
      "${CGROUP_ARGS[@]}" \
      >>"$LOGS/dockerd.log" 2>&1 </dev/null &
  if wait_for_engine; then echo dockerd >"$RUN/started-engine"; return 0; fi
  tail -n 20 "$LOGS/dockerd.log" >&2 || true
  die "dockerd did not answer within 30 s (log: $LOGS/dockerd.log)"
}

pick_engine() {
  if [[ -n ${DOCKER_HOST:-} ]]; then
    if engine_answers "$DOCKER_HOST"; then ENGINE_HOST=$DOCKER_HOST; ENGINE_KIND=external; return; fi
    if [[ $DOCKER_HOST != "unix://$PRIVATE_SOCK" ]]; then
      die "DOCKER_HOST=$DOCKER_HOST does not answer; unset it to use a local engine"
    fi
  fi
  if engine_answers unix:///var/run/docker.sock; then
    ENGINE_HOST=unix:///var/run/docker.sock; ENGINE_KIND=system; return
  fi
  start_dockerd
  ENGINE_HOST=unix://$PRIVATE_SOCK; ENGINE_KIND=private
}

# --- registry -----------------------------------------------------------------------------

start_registry() {
  command -v docker-registry >/dev/null && command -v htpasswd >/dev/null || { need_root_linux; ensure_packages; }
  local dir=$STATE/registry addr=127.0.0.1:$REGISTRY_PORT
  mkdir -p "$dir/data" "$RUN" "$LOGS"
  if pid_alive "$RUN/registry.pid" docker-registry && registry_answers "$addr"; then return 0; fi
  if registry_answers "$addr"; then
    die "something else answers as a registry on $addr; set LAB_REGISTRY to use it or LAB_REGISTRY_PORT to move ours"
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$REGISTRY_PORT") 2>/dev/null; then
    die "port $REGISTRY_PORT is taken by something that is not a registry; set LAB_REGISTRY_PORT to another port"
  fi
  # bcrypt entries only: the registry refuses other htpasswd formats.
  htpasswd -Bbc "$dir/htpasswd" "$LAB_USER" "$LAB_PASSWORD" 2>/dev/null
  cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: $addr
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: docker-lab
    path: $dir/htpasswd
EOF
  say "starting the lab registry on $addr (user $LAB_USER)"
  setsid docker-registry serve "$dir/config.yml" >>"$LOGS/registry.log" 2>&1 </dev/null &
  echo $! >"$RUN/registry.pid"
  local i
  for i in $(seq 1 40); do
    registry_answers "$addr" && { echo registry >"$RUN/started-registry"; return 0; }
    sleep 0.25
  done
  tail -n 20 "$LOGS/registry.log" >&2 || true
  die "the registry did not answer within 10 s (log: $LOGS/registry.log)"
}

pick_registry() {
  if [[ -n ${LAB_REGISTRY:-} && ${LAB_REGISTRY} != "localhost:$REGISTRY_PORT" ]]; then
    registry_answers "$LAB_REGISTRY" || die "LAB_REGISTRY=$LAB_REGISTRY does not answer at /v2/"
    REGISTRY_ADDR=$LAB_REGISTRY; REGISTRY_KIND=external; return
  fi
  start_registry
  # The engine trusts localhost registries over plain HTTP; 127.0.0.1 works too but reads worse.
  REGISTRY_ADDR=localhost:$REGISTRY_PORT; REGISTRY_KIND=private
}

# --- base images --------------------------------------------------------------------------

dk() { DOCKER_HOST=$ENGINE_HOST docker "$@"; }

image_exists() { dk image inspect "$1" >/dev/null 2>&1; }

make_busybox() {
  image_exists busybox:latest && return 0
  dpkg -s busybox-static >/dev/null 2>&1 || { need_root_linux; apt_install busybox-static; }
  say "making busybox:latest from Debian's static busybox"
  local ctx
  ctx=$(mktemp -d)
  cp /bin/busybox "$ctx/busybox"
  cat >"$ctx/Dockerfile" <<'EOF'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
CMD ["sh"]
EOF
  dk build -q -t busybox:latest "$ctx" >/dev/null
  rm -rf "$ctx"
}

make_debian() {
  image_exists debian:bookworm-slim && return 0
  [[ ${LAB_SKIP_DEBIAN:-} == 1 ]] && { say "LAB_SKIP_DEBIAN=1: not making debian:bookworm-slim"; return 0; }
  command -v debootstrap >/dev/null || { need_root_linux; apt_install debootstrap; }
  local dir=$STATE/debootstrap
  say "making debian:bookworm-slim with debootstrap (about a minute, once)"
  rm -rf "$dir"
  debootstrap --variant=minbase bookworm "$dir" >"$LOGS/debootstrap.log" 2>&1 \
    || { tail -n 20 "$LOGS/debootstrap.log" >&2; die "debootstrap failed (log: $LOGS/debootstrap.log)"; }
  # Slim it like the official image: no apt lists, no docs.
  rm -rf "$dir/var/lib/apt/lists/"* "$dir/var/cache/apt/"*.bin "$dir/usr/share/doc/"* "$dir/usr/share/man/"*
  tar -C "$dir" -c . | dk import -c 'CMD ["bash"]' - debian:bookworm-slim >/dev/null
  rm -rf "$dir"
}

# --- commands -----------------------------------------------------------------------------

write_env() {
  mkdir -p "$STATE"
  install -m 600 /dev/null "$ENV_FILE" && cat >"$ENV_FILE" <<EOF
DOCKER_HOST=$ENGINE_HOST
LAB_ENGINE_KIND=$ENGINE_KIND
LAB_REGISTRY=$REGISTRY_ADDR
LAB_REGISTRY_KIND=$REGISTRY_KIND
LAB_REGISTRY_USER=$LAB_USER
LAB_REGISTRY_PASSWORD=$LAB_PASSWORD
EOF
}

cmd_up() {
  mkdir -p "$STATE" "$RUN" "$LOGS"
  # The probes below speak HTTP with curl.
  command -v curl >/dev/null || { need_root_linux; apt_install curl ca-certificates; }
  pick_engine
  pick_registry
  make_busybox
  make_debian
  write_env
  say "engine: $ENGINE_HOST ($ENGINE_KIND); registry: $REGISTRY_ADDR ($REGISTRY_KIND)"
}

stop_pidfile() {
  local name=$1 pidfile=$2 i pid
  pid_alive "$pidfile" "$name" || { rm -f "$pidfile"; return 0; }
  pid=$(cat "$pidfile")
  say "stopping $name (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

cmd_down() {
  [[ -f $RUN/started-registry ]] && { stop_pidfile docker-registry "$RUN/registry.pid"; rm -f "$RUN/started-registry"; }
  if [[ -f $RUN/started-engine ]]; then
    stop_pidfile dockerd "$RUN/dockerd.pid"
    # containerd started by dockerd exits with it; make sure no shim keeps the exec root busy.
    rm -f "$RUN/started-engine"
  fi
  rm -f "$ENV_FILE"
}

# For fault tests: stop only the private engine or registry (`up` starts them again).
cmd_stop_engine() {
  [[ -f $RUN/started-engine ]] || die "the engine in use was not started by this script"
  stop_pidfile dockerd "$RUN/dockerd.pid"
}
cmd_stop_registry() {
  [[ -f $RUN/started-registry ]] || die "the registry in use was not started by this script"
  stop_pidfile docker-registry "$RUN/registry.pid"
}

cmd_status() {
  if [[ -f $ENV_FILE ]]; then cat "$ENV_FILE"; else say "not up (no $ENV_FILE)"; return 1; fi
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  engine_answers "$DOCKER_HOST" && say "engine answers" || { say "engine does not answer"; return 1; }
  registry_answers "$LAB_REGISTRY" && say "registry answers" || { say "registry does not answer"; return 1; }
}

cmd_env() {
  [[ -f $ENV_FILE ]] || die "not up: run scripts/lab-engine.sh up"
  sed 's/^/export /' "$ENV_FILE"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  stop-engine) cmd_stop_engine ;;
  stop-registry) cmd_stop_registry ;;
  *) echo "usage: $0 up|down|status|env|stop-engine|stop-registry" >&2; exit 2 ;;
esac
