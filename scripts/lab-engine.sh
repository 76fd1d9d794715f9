#!/usr/bin/env bash
# lab-engine.sh — give Docker Lab a real Docker Engine and a real registry.
#
#   scripts/lab-engine.sh up       find or start an engine and a registry, make the base images
#   scripts/lab-engine.sh down     stop what `up` started (nothing else)
#   scripts/lab-engine.sh status   say what is in use
#   scripts/lab-engine.sh env      print the environment for the server and tests (sh syntax)
#   scripts/lab-engine.sh up-engine   only a private engine (no registry, busybox only) under LAB_STATE_DIR:
#                                  a second engine of a pool (LAB_ENGINES); `down` stops it
#   scripts/lab-engine.sh stop-engine | stop-registry   (fault tests) stop one private part; `up` restarts it
#
# Engine: $DOCKER_HOST if it answers; else /var/run/docker.sock if it answers; else (Linux, root)
# a private Docker Engine 26.1 (Debian 13's docker.io, containerd and docker-buildx, unpacked under
# the state folder without touching the system's packages) runs under the state folder, with its own
# bridge, cgroups and BuildKit cache bound. `env` also exports a DOCKER_CONFIG holding the buildx plugin.
# Registry: $LAB_REGISTRY if it answers; else a private Distribution registry on 127.0.0.1
# with token authentication: the lab server is its token service, so each reader pushes only
# under their own name (the demo account LAB_REGISTRY_USER only under its own).
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
  # The docker CLI makes the base images (the private engine itself comes from Debian 13, below).
  command -v docker >/dev/null || missing+=(docker.io)
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v openssl >/dev/null || missing+=(openssl)
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
# The private engine is Debian 13's docker.io 26.1 (BuildKit patched for CVE-2024-23652, whole logs of
# loud steps), unpacked from Debian's packages into a cache folder: the system's packages stay as they are.
ENGINE_CACHE=${LAB_ENGINE_CACHE:-$STATE/engine26}
ENGINE_ROOT=$ENGINE_CACHE/root
ENGINE_SUITE=${LAB_ENGINE_SUITE:-trixie}
DEBIAN_MIRROR=${LAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
ENGINE_PACKAGES=(docker.io docker-cli containerd docker-buildx tini)
DOCKER_CONFIG_DIR=$STATE/docker-config
# Another dockerd binary instead (e.g. /usr/sbin/dockerd of the system's packages), to compare engines.
DOCKERD_BIN=${LAB_DOCKERD:-}

# One name per state folder, so that two private engines on one machine (or one beside a system or
# shared engine on docker0) never share a bridge, an address range, iptables rules or cgroups.
INSTANCE=${LAB_ENGINE_NAME:-lab-$(printf '%s' "$STATE" | sha256sum | cut -c1-6)}
BRIDGE=${LAB_ENGINE_BRIDGE:-$INSTANCE}
INSTANCE_HASH=$(printf '%s' "$INSTANCE" | sha256sum)
ENGINE_SUBNET=${LAB_ENGINE_SUBNET:-10.$((64 + 0x${INSTANCE_HASH:0:2} % 64)).$((0x${INSTANCE_HASH:2:2})).0/24}

# Cgroups (see the operators' page): one for the engine itself (dockerd, the containerd it starts,
# and BuildKit inside dockerd, where Dockerfiles are parsed and ENV values expanded), one parent for
# every build container. BuildKit ignores per-build memory and CPU limits, so the build cgroup's
# limits hold for all build steps together.
ENGINE_CGROUP=${LAB_ENGINE_CGROUP:-docker-$INSTANCE-engine}
BUILD_CGROUP=${LAB_BUILD_CGROUP:-docker-$INSTANCE-builds}
ENGINE_MEMORY=${LAB_ENGINE_MEMORY_BYTES:-4294967296}
ENGINE_CPUS=${LAB_ENGINE_CPUS:-1.5}
ENGINE_PIDS=${LAB_ENGINE_PIDS:-4096}
BUILD_MEMORY=${LAB_BUILD_MEMORY_BYTES:-2147483648}
BUILD_CPUS=${LAB_BUILD_CPUS:-1}
BUILD_PIDS=${LAB_BUILD_PIDS:-1024}
# BuildKit's build cache is garbage-collected down to this size (daemon.json builder.gc).
BUILD_CACHE=${LAB_BUILD_CACHE_BYTES:-5368709120}
CGROUP_ARGS=()

# apt with a private state under the cache folder: sources, lists and archives of its own.
engine_apt() {
  local s=$ENGINE_CACHE/apt
  apt-get -q \
    -o Dir::Etc::sourcelist="$s/sources.list" -o Dir::Etc::sourceparts=/dev/null \
    -o Dir::State::Lists="$s/lists" -o Dir::Cache="$s/cache" \
    -o APT::Sandbox::User=root "$@"
}

# Debian 13's dockerd, its docker CLI, containerd, docker-init and buildx plugin, unpacked once (about
# 77 MB from Debian's mirror); later runs find them in the cache.
ensure_engine26() {
  # (An older cache without the docker CLI is fetched again.)
  [[ -f $ENGINE_ROOT/.complete && -x $ENGINE_ROOT/usr/bin/docker ]] && return 0
  need_root_linux
  if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
    die "apt-get and dpkg-deb are needed to fetch Docker 26 from Debian; or set DOCKER_HOST to an engine"
  fi
  local s=$ENGINE_CACHE/apt keyring=/usr/share/keyrings/debian-archive-keyring.gpg deb
  [[ -f $keyring ]] || apt_install debian-archive-keyring
  say "fetching Docker Engine 26 from Debian $ENGINE_SUITE's packages into $ENGINE_CACHE (once, about 77 MB)"
  mkdir -p "$s/lists/partial" "$s/cache/archives/partial" "$s/debs" "$LOGS"
  echo "deb [signed-by=$keyring] $DEBIAN_MIRROR $ENGINE_SUITE main" >"$s/sources.list"
  engine_apt update >"$LOGS/engine-apt.log" 2>&1 \
    || { tail -n 20 "$LOGS/engine-apt.log" >&2; die "apt-get update for $ENGINE_SUITE failed (log: $LOGS/engine-apt.log)"; }
  rm -f "$s/debs/"*.deb
  (cd "$s/debs" && engine_apt download "${ENGINE_PACKAGES[@]}") >>"$LOGS/engine-apt.log" 2>&1 \
    || { tail -n 20 "$LOGS/engine-apt.log" >&2; die "downloading ${ENGINE_PACKAGES[*]} failed (log: $LOGS/engine-apt.log)"; }
  rm -rf "$ENGINE_ROOT.new"
  for deb in "$s/debs/"*.deb; do dpkg-deb -x "$deb" "$ENGINE_ROOT.new"; done
  [[ -x $ENGINE_ROOT.new/usr/sbin/dockerd ]] || die "the unpacked packages have no dockerd"
  rm -rf "$ENGINE_ROOT" && mv "$ENGINE_ROOT.new" "$ENGINE_ROOT"
  "$ENGINE_ROOT/usr/sbin/dockerd" --version >"$ENGINE_ROOT/.complete"
  say "unpacked: $(cat "$ENGINE_ROOT/.complete")"
}

# The buildx plugin for the docker CLI of tests and scripts, in a DOCKER_CONFIG of the state
# folder (exported by `env`): nothing global changes.
install_buildx() {
  local plugin=$ENGINE_ROOT/usr/libexec/docker/cli-plugins/docker-buildx
  if [[ ! -x $plugin ]]; then
    # With an engine of its own the lab still wants buildx for its tests; fetch it when we can.
    [[ $(uname -s) == Linux && $(id -u) == 0 ]] && command -v apt-get >/dev/null || return 0
    (ensure_engine26) || { say "warning: no buildx plugin for the docker CLI (the lab itself does not need it)"; return 0; }
  fi
  mkdir -p "$DOCKER_CONFIG_DIR/cli-plugins"
  ln -sfn "$plugin" "$DOCKER_CONFIG_DIR/cli-plugins/docker-buildx"
}

ensure_engine_tools() {
  # trixie's runc needs glibc 2.38: dockerd uses the system's own (Debian 12: 1.1.5+ds1-1+deb12u1,
  # patched for CVE-2024-21626). iptables and ip for the private bridge.
  local missing=()
  command -v runc >/dev/null || missing+=(runc)
  command -v iptables >/dev/null || missing+=(iptables)
  command -v ip >/dev/null || missing+=(iproute2)
  ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
}

# write_cgroup DIR FILE VALUE: best effort (a controller may be missing).
write_cgroup() { if [[ -d $1 ]]; then echo "$3" >"$1/$2" 2>/dev/null || say "warning: cannot set $1/$2 to $3"; fi; }

# setup_cgroup NAME MEMORY CPUS PIDS: the cgroup with these limits (0: none); prints the
# cgroup.procs files through which a process joins it (nothing when there are no cgroups).
setup_cgroup() {
  local name=$1 memory=$2 quota pids=$4 c
  quota=$(awk -v c="$3" 'BEGIN { printf "%d", c * 100000 }')
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then # cgroup v2
    echo "+memory +cpu +pids" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
    c=/sys/fs/cgroup/$name
    mkdir -p "$c" || return 0
    write_cgroup "$c" memory.max "$([[ $memory == 0 ]] && echo max || echo "$memory")"
    write_cgroup "$c" cpu.max "$([[ $quota == 0 ]] && echo max || echo "$quota") 100000"
    write_cgroup "$c" pids.max "$([[ $pids == 0 ]] && echo max || echo "$pids")"
    echo "$c/cgroup.procs"
  elif [[ -d /sys/fs/cgroup/memory && -d /sys/fs/cgroup/cpu ]]; then # cgroup v1
    for c in memory cpu pids; do
      [[ -d /sys/fs/cgroup/$c ]] && mkdir -p "/sys/fs/cgroup/$c/$name" && echo "/sys/fs/cgroup/$c/$name/cgroup.procs"
    done
    write_cgroup "/sys/fs/cgroup/memory/$name" memory.limit_in_bytes "$([[ $memory == 0 ]] && echo -1 || echo "$memory")"
    write_cgroup "/sys/fs/cgroup/cpu/$name" cpu.cfs_period_us 100000
    write_cgroup "/sys/fs/cgroup/cpu/$name" cpu.cfs_quota_us "$([[ $quota == 0 ]] && echo -1 || echo "$quota")"
    write_cgroup "/sys/fs/cgroup/pids/$name" pids.max "$([[ $pids == 0 ]] && echo max || echo "$pids")"
  fi
}

remove_cgroup() {
  local d
  for d in "/sys/fs/cgroup/$1" /sys/fs/cgroup/{memory,cpu,pids}/"$1"; do
    # Deepest first; a cgroup that still holds processes stays (rmdir refuses).
    if [[ -d $d ]]; then find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true; fi
  done
}

# The private engine's own bridge and address range: it never touches docker0, which a system
# or shared engine may use. dockerd runs with --iptables=false (two dockerds flush each other's
# DOCKER chains otherwise); its builds reach out through NAT rules of its own, removed by `down`.
ipt_ensure() { local t=$1; shift; iptables -w -t "$t" -C "$@" 2>/dev/null || iptables -w -t "$t" -A "$@"; }
ipt_remove() { local t=$1; shift; while iptables -w -t "$t" -C "$@" 2>/dev/null; do iptables -w -t "$t" -D "$@"; done; }
NAT_RULES=(
  "nat POSTROUTING -s $ENGINE_SUBNET ! -o $BRIDGE -m comment --comment docker-lab:$INSTANCE -j MASQUERADE"
  "filter FORWARD -i $BRIDGE -m comment --comment docker-lab:$INSTANCE -j ACCEPT"
  "filter FORWARD -o $BRIDGE -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment docker-lab:$INSTANCE -j ACCEPT"
)

setup_bridge() {
  local gateway=${ENGINE_SUBNET%.*}.1 prefix=${ENGINE_SUBNET#*/} r
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    if ip -4 route show | grep -q "^${ENGINE_SUBNET%/*}/"; then
      die "the address range $ENGINE_SUBNET is in use on this machine; set LAB_ENGINE_SUBNET to a free /24 for the private engine"
    fi
    ip link add "$BRIDGE" type bridge
  fi
  ip -4 addr show dev "$BRIDGE" | grep -q " $gateway/$prefix " || ip addr add "$gateway/$prefix" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  for r in "${NAT_RULES[@]}"; do
    # shellcheck disable=SC2086
    ipt_ensure $r
  done
}

remove_bridge() {
  local r
  for r in "${NAT_RULES[@]}"; do
    # shellcheck disable=SC2086
    ipt_remove $r 2>/dev/null || true
  done
  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE" 2>/dev/null || true; fi
}

write_daemon_json() {
  cat >"$STATE/daemon.json" <<EOF
{
  "builder": {
    "gc": {
      "enabled": true,
      "defaultKeepStorage": "$BUILD_CACHE",
      "policy": [{"all": true, "keepStorage": "$BUILD_CACHE"}]
    }
  }
}
EOF
}

wait_for_engine() {
  for _ in $(seq 1 60); do
    engine_answers "unix://$PRIVATE_SOCK" && return 0
    sleep 0.5
  done
  return 1
}

start_dockerd() {
  need_root_linux
  [[ -n $DOCKERD_BIN ]] || ensure_engine26
  ensure_engine_tools
  mkdir -p "$STATE/docker" "$RUN" "$LOGS" "$STATE/exec"
  if pid_alive "$RUN/dockerd.pid" dockerd; then
    # Ours is running (perhaps still starting): wait for it rather than start a second one.
    wait_for_engine && return 0
    die "the private dockerd (pid $(cat "$RUN/dockerd.pid")) does not answer; see $LOGS/dockerd.log, or run: $0 down"
  fi
  rm -f "$RUN/dockerd.pid" # stale after a reboot: dockerd refuses to start over it
  say "starting a private dockerd ${DOCKERD_BIN:+($DOCKERD_BIN) }(data in $STATE/docker, log in $LOGS/dockerd.log, bridge $BRIDGE $ENGINE_SUBNET)"
  rm -f "$PRIVATE_SOCK"
  setup_bridge
  # What build steps on that bridge may reach: DNS and the Debian mirror, nothing of this machine.
  "$ROOT/scripts/lab-build-network.sh" up "$BRIDGE" "$ENGINE_SUBNET"
  write_daemon_json
  local procs
  mapfile -t procs < <(setup_cgroup "$ENGINE_CGROUP" "$ENGINE_MEMORY" "$ENGINE_CPUS" "$ENGINE_PIDS")
  if [[ -n $(setup_cgroup "$BUILD_CGROUP" "$BUILD_MEMORY" "$BUILD_CPUS" "$BUILD_PIDS") ]]; then
    CGROUP_ARGS=(--cgroup-parent "/$BUILD_CGROUP")
  fi
  # A subshell joins the engine's cgroup first (dockerd and the containerd it starts inherit it),
  # then becomes dockerd; setsid: the daemon outlives this script and its process group.
  # Unpacked binaries first on PATH (containerd and its shim, docker-init, docker-proxy); runc is the system's.
  (
    for f in "${procs[@]}"; do echo "$BASHPID" >"$f" 2>/dev/null || say "warning: cannot join $f"; done
    [[ -n $DOCKERD_BIN ]] || export PATH="$ENGINE_ROOT/usr/bin:$ENGINE_ROOT/usr/sbin:$PATH"
    # BuildKit inside dockerd clips a step's log at 200 KiB/s by default; the lab shows whole logs.
    export BUILDKIT_STEP_LOG_MAX_SIZE=$BUILDKIT_LOG_LIMIT BUILDKIT_STEP_LOG_MAX_SPEED=$BUILDKIT_LOG_LIMIT
    exec setsid "${DOCKERD_BIN:-$ENGINE_ROOT/usr/sbin/dockerd}" \
      --config-file "$STATE/daemon.json" \
      --data-root "$STATE/docker" \
      --exec-root "$STATE/exec" \
      --pidfile "$RUN/dockerd.pid" \
      -H "unix://$PRIVATE_SOCK" \
      --storage-driver overlay2 \
      --bridge "$BRIDGE" \
      --iptables=false \
      "${CGROUP_ARGS[@]}" \
      >>"$LOGS/dockerd.log" 2>&1 </dev/null
  ) &
  if wait_for_engine; then echo dockerd >"$RUN/started-engine"; return 0; fi
  tail -n 20 "$LOGS/dockerd.log" >&2 || true
  die "dockerd did not answer within 30 s (log: $LOGS/dockerd.log)"
}

pick_engine() {
  if [[ -n ${DOCKER_HOST:-} ]]; then
    # DOCKER_HOST as `env` exported it: our own private engine (start it again if it stopped).
    if [[ $DOCKER_HOST == "unix://$PRIVATE_SOCK" && -f $RUN/started-engine ]]; then
      start_dockerd
      ENGINE_HOST=$DOCKER_HOST; ENGINE_KIND=private; return
    fi
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

# Token authentication (Distribution's token spec): the companion server is the token service.
# It signs tokens with this key; the registry trusts this self-signed certificate. The realm is
# the server's token listener on its own loopback port (LAB_TOKEN_PORT, default registry port + 1),
# so the registry can start before the server and a server on LAB_PORT=0 still has a fixed realm.
TOKEN_PORT=${LAB_TOKEN_PORT:-$((REGISTRY_PORT + 1))}
TOKEN_SERVICE=lab-registry
TOKEN_ISSUER=docker-lab

make_token_keys() {
  local dir=$1
  [[ -s $dir/token-key.pem && -s $dir/token-cert.pem ]] && return 0
  command -v openssl >/dev/null || { need_root_linux; apt_install openssl; }
  say "making the registry's token signing key and certificate (in $dir)"
  (
    umask 077
    openssl ecparam -name prime256v1 -genkey -noout -out "$dir/token-key.ec.pem" 2>/dev/null
    openssl pkcs8 -topk8 -nocrypt -in "$dir/token-key.ec.pem" -out "$dir/token-key.pem"
    rm -f "$dir/token-key.ec.pem"
  )
  openssl req -new -x509 -key "$dir/token-key.pem" -out "$dir/token-cert.pem" -days 3650 \
    -subj "/CN=docker-lab token service" 2>/dev/null
}

start_registry() {
  command -v docker-registry >/dev/null || { need_root_linux; ensure_packages; }
  local dir=$STATE/registry addr=127.0.0.1:$REGISTRY_PORT
  mkdir -p "$dir/data" "$RUN" "$LOGS"
  chmod 700 "$dir" "$dir/data"
  make_token_keys "$dir"
  if pid_alive "$RUN/registry.pid" docker-registry && registry_answers "$addr" \
    && grep -q "realm: http://127.0.0.1:$TOKEN_PORT/token" "$dir/config.yml" 2>/dev/null; then return 0; fi
  # Ours, but configured otherwise (the older htpasswd setup, another token port): start it anew.
  pid_alive "$RUN/registry.pid" docker-registry && stop_pidfile docker-registry "$RUN/registry.pid"
  if registry_answers "$addr"; then
    die "something else answers as a registry on $addr; set LAB_REGISTRY to use it or LAB_REGISTRY_PORT to move ours"
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$REGISTRY_PORT") 2>/dev/null; then
    die "port $REGISTRY_PORT is taken by something that is not a registry; set LAB_REGISTRY_PORT to another port"
  fi
  rm -f "$dir/htpasswd" # left from before token authentication
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
  token:
    realm: http://127.0.0.1:$TOKEN_PORT/token
    service: $TOKEN_SERVICE
    issuer: $TOKEN_ISSUER
    rootcertbundle: $dir/token-cert.pem
EOF
  say "starting the lab registry on $addr (its token service is the lab server, on 127.0.0.1:$TOKEN_PORT)"
  setsid docker-registry serve "$dir/config.yml" >>"$LOGS/registry.log" 2>&1 </dev/null &
  echo $! >"$RUN/registry.pid"
  for _ in $(seq 1 40); do
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
  install -m 600 /dev/null "$ENV_FILE"
  {
    echo "DOCKER_HOST=$ENGINE_HOST"
    echo "LAB_ENGINE_KIND=$ENGINE_KIND"
    # The docker CLI of tests and scripts finds the buildx plugin there.
    [[ ! -x $DOCKER_CONFIG_DIR/cli-plugins/docker-buildx ]] || echo "DOCKER_CONFIG=$DOCKER_CONFIG_DIR"
    # A docker CLI of the engine's version, for the benchmarks' comparisons (a fresh machine may have none).
    [[ ! -x $ENGINE_ROOT/usr/bin/docker ]] || echo "LAB_DOCKER_CLI=$ENGINE_ROOT/usr/bin/docker"
    if [[ $ENGINE_KIND == private ]]; then
      echo "LAB_ENGINE_BRIDGE=$BRIDGE"
      echo "LAB_ENGINE_SUBNET=$ENGINE_SUBNET"
      echo "LAB_ENGINE_CGROUP=$ENGINE_CGROUP"
      echo "LAB_BUILD_CGROUP=$BUILD_CGROUP"
    fi
    echo "LAB_REGISTRY=$REGISTRY_ADDR"
    echo "LAB_REGISTRY_KIND=$REGISTRY_KIND"
    echo "LAB_REGISTRY_USER=$LAB_USER"
    echo "LAB_REGISTRY_PASSWORD=$LAB_PASSWORD"
    echo "LAB_STATE_DIR=$STATE"
    if [[ $REGISTRY_KIND == private ]]; then
      # A later `up` in this environment (the fault tests) must know the registry is its own.
      echo "LAB_REGISTRY_PORT=$REGISTRY_PORT"
      echo "LAB_TOKEN_PORT=$TOKEN_PORT"
      echo "LAB_TOKEN_KEY=$STATE/registry/token-key.pem"
      echo "LAB_TOKEN_CERT=$STATE/registry/token-cert.pem"
      echo "LAB_TOKEN_SERVICE=$TOKEN_SERVICE"
      echo "LAB_TOKEN_ISSUER=$TOKEN_ISSUER"
    fi
  } >"$ENV_FILE"
}

# The state folder and what readers' work leaves in it are root's alone (issue 23): the folder, the
# registry's data and the logs. Not by umask (the base images made here keep their files' usual
# modes for non-root users in containers) and never recursive (the engine's layers keep theirs).
lock_state() {
  chmod 700 "$STATE" "$LOGS"
  [[ -d $STATE/registry ]] && chmod 700 "$STATE/registry" "$STATE/registry/data" 2>/dev/null
  find "$LOGS" -maxdepth 1 -type f -exec chmod 600 {} + 2>/dev/null
  return 0
}

# A private engine and nothing else (an extra engine for LAB_ENGINES, e.g. the two-engine test):
# never DOCKER_HOST or the system's engine, no registry (the lab's one is shared), busybox only.
cmd_up_engine() {
  mkdir -p "$STATE" "$RUN" "$LOGS"
  lock_state
  command -v curl >/dev/null || { need_root_linux; apt_install curl ca-certificates; }
  start_dockerd
  ENGINE_HOST=unix://$PRIVATE_SOCK; ENGINE_KIND=private
  make_busybox
  install -m 600 /dev/null "$ENV_FILE"
  {
    echo "DOCKER_HOST=$ENGINE_HOST"
    echo "LAB_ENGINE_KIND=$ENGINE_KIND"
    echo "LAB_ENGINE_ONLY=1"
    echo "LAB_ENGINE_BRIDGE=$BRIDGE"
    echo "LAB_ENGINE_SUBNET=$ENGINE_SUBNET"
  } >"$ENV_FILE"
  lock_state
  say "engine only: $ENGINE_HOST (bridge $BRIDGE $ENGINE_SUBNET)"
}

cmd_up() {
  mkdir -p "$STATE" "$RUN" "$LOGS"
  lock_state
  # The probes below speak HTTP with curl.
  command -v curl >/dev/null || { need_root_linux; apt_install curl ca-certificates; }
  pick_engine
  install_buildx
  pick_registry
  make_busybox
  make_debian
  write_env
  lock_state
  say "engine: $ENGINE_HOST ($ENGINE_KIND); registry: $REGISTRY_ADDR ($REGISTRY_KIND)"
}

stop_pidfile() {
  local name=$1 pidfile=$2 pid
  pid_alive "$pidfile" "$name" || { rm -f "$pidfile"; return 0; }
  pid=$(cat "$pidfile")
  say "stopping $name (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$pidfile"
}

cmd_down() {
  [[ -f $RUN/started-registry ]] && { stop_pidfile docker-registry "$RUN/registry.pid"; rm -f "$RUN/started-registry"; }
  if [[ -f $RUN/started-engine ]]; then
    stop_pidfile dockerd "$RUN/dockerd.pid"
    # containerd started by dockerd exits with it; then the bridge, its NAT rules and the cgroups go.
    "$ROOT/scripts/lab-build-network.sh" down "$BRIDGE" || true
    remove_bridge
    remove_cgroup "$ENGINE_CGROUP"
    remove_cgroup "$BUILD_CGROUP"
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
  if ! engine_answers "$DOCKER_HOST"; then say "engine does not answer"; return 1; fi
  say "engine answers"
  [[ -z ${LAB_ENGINE_ONLY:-} ]] || return 0
  if ! registry_answers "$LAB_REGISTRY"; then say "registry does not answer"; return 1; fi
  say "registry answers"
}

cmd_env() {
  [[ -f $ENV_FILE ]] || die "not up: run scripts/lab-engine.sh up"
  sed 's/^/export /' "$ENV_FILE"
}

case "${1:-}" in
  up) cmd_up ;;
  up-engine) cmd_up_engine ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  stop-engine) cmd_stop_engine ;;
  stop-registry) cmd_stop_registry ;;
  *) echo "usage: $0 up|up-engine|down|status|env|stop-engine|stop-registry" >&2; exit 2 ;;
esac
