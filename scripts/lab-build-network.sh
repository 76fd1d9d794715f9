#!/usr/bin/env bash
# Firewall rules for the bridge the engine's build steps (RUN) run on.
#
#   lab-build-network.sh up BRIDGE SUBNET   # apply (idempotent: run it again after a change)
#   lab-build-network.sh down BRIDGE        # remove
#   lab-build-network.sh status BRIDGE      # exit 0 when applied
#
# A RUN step may reach only what the lessons need: the host's DNS resolvers
# (port 53) and the Debian mirror (ports 80, 443), so that apt-get works.
# Nothing on this machine (the lab server, the registry, anything bound on
# 0.0.0.0, reached through the bridge's gateway or any other address of the
# host), no other address, no other container on the bridge.
#
# Settings (environment):
#   LAB_BUILD_ALLOW_HOSTS  names whose addresses builds may reach on 80/443 (default: deb.debian.org);
#                          resolved when the rules are applied: run `up` again if they change
#   LAB_BUILD_ALLOW_PORTS  ports for those (default: 80,443)
#   LAB_BUILD_DNS          resolvers builds may query (default: the non-loopback nameservers of /etc/resolv.conf,
#                          which the engine gives containers)
# scripts/lab-engine.sh calls `up` after its dockerd is up; it needs root (iptables).
set -euo pipefail

say() { echo "[lab-build-network] $*" >&2; }
die() { say "$*"; exit 1; }

cmd=${1:-}
bridge=${2:-}
[[ $bridge =~ ^[A-Za-z0-9_.-]{1,15}$ ]] || die "usage: $0 up BRIDGE SUBNET | down BRIDGE | status BRIDGE"
IN="LABIN-$bridge"
FWD="LABFWD-$bridge"

have6() { command -v ip6tables >/dev/null && ip6tables -L -n >/dev/null 2>&1; }

# Make sure `chain` exists and is empty.
fresh_chain() {
  local t=$1 chain=$2
  $t -N "$chain" 2>/dev/null || $t -F "$chain"
}

TAG=(-m comment --comment "lab-build-network $bridge")

# Insert the rule first in `parent`, once, tagged so that `down` finds it.
jump_first() {
  local t=$1 parent=$2; shift 2
  $t -C "$parent" "$@" "${TAG[@]}" 2>/dev/null || $t -I "$parent" 1 "$@" "${TAG[@]}"
}

resolvers() {
  if [[ -n ${LAB_BUILD_DNS:-} ]]; then tr ',' ' ' <<<"$LAB_BUILD_DNS" | tr -s ' ' '\n' | grep -v '^$' || true; return; fi
  awk '/^nameserver[ \t]/ {print $2}' /etc/resolv.conf | grep -E '^[0-9.]+$' | grep -v '^127\.' || true
}

allowed_addresses() {
  local h
  for h in ${LAB_BUILD_ALLOW_HOSTS:-deb.debian.org}; do
    getent ahostsv4 "$h" | awk '{print $1}' || say "warning: $h does not resolve; builds cannot reach it"
  done | sort -u
}

cmd_up() {
  # Traffic between two containers on one bridge meets the FORWARD rules below only when bridged
  # traffic passes iptables (br_netfilter): make sure it does, or say the isolation does not hold.
  modprobe br_netfilter 2>/dev/null || true
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true
  [[ $(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null) == 1 ]] ||
    say "warning: bridged traffic bypasses iptables here (no br_netfilter): containers on $bridge are not kept from each other"
  local subnet=${1:-}
  [[ $subnet =~ ^[0-9.]+/[0-9]+$ ]] || die "up needs the bridge's IPv4 subnet, e.g. 172.17.0.0/16"
  command -v iptables >/dev/null || die "iptables is not installed"
  local ports=${LAB_BUILD_ALLOW_PORTS:-80,443} dns addrs a
  dns=$(resolvers)
  addrs=$(allowed_addresses)
  [[ -n $dns ]] || say "warning: no non-loopback resolver in /etc/resolv.conf: set LAB_BUILD_DNS, or builds cannot resolve names"

  # To this machine, from the bridge: nothing but replies, and DNS when a resolver is one of its own addresses.
  fresh_chain iptables "$IN"
  iptables -A "$IN" -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
  for a in $dns; do
    iptables -A "$IN" -d "$a" -p udp --dport 53 -j RETURN
    iptables -A "$IN" -d "$a" -p tcp --dport 53 -j RETURN
  done
  iptables -A "$IN" -p tcp -j REJECT --reject-with tcp-reset
  iptables -A "$IN" -j REJECT --reject-with icmp-port-unreachable
  jump_first iptables INPUT -i "$bridge" -s "$subnet" -j "$IN"
  # Packets from the bridge with a source outside its subnet are spoofed.
  jump_first iptables INPUT -i "$bridge" ! -s "$subnet" -j DROP

  # Through this machine, from the bridge: replies, the resolvers, the mirror; not other containers, nothing else.
  fresh_chain iptables "$FWD"
  iptables -A "$FWD" -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
  iptables -A "$FWD" -o "$bridge" -j REJECT --reject-with icmp-port-unreachable
  for a in $dns; do
    iptables -A "$FWD" -d "$a" -p udp --dport 53 -j RETURN
    iptables -A "$FWD" -d "$a" -p tcp --dport 53 -j RETURN
  done
  for a in $addrs; do
    iptables -A "$FWD" -d "$a" -p tcp -m multiport --dports "$ports" -j RETURN
  done
  iptables -A "$FWD" -p tcp -j REJECT --reject-with tcp-reset
  iptables -A "$FWD" -j REJECT --reject-with icmp-port-unreachable
  jump_first iptables FORWARD -i "$bridge" -j "$FWD"

  # IPv6: builds need none of it.
  if have6; then
    fresh_chain ip6tables "$IN"
    ip6tables -A "$IN" -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
    ip6tables -A "$IN" -j REJECT
    jump_first ip6tables INPUT -i "$bridge" -j "$IN"
    jump_first ip6tables FORWARD -i "$bridge" -j "$IN"
  fi
  say "applied to $bridge ($subnet): DNS to ${dns//$'\n'/ }; ports $ports to ${addrs//$'\n'/ }"
}

cmd_down() {
  local t parent rule
  for t in iptables ip6tables; do
    command -v $t >/dev/null || continue
    [[ $t == ip6tables ]] && ! have6 && continue
    for parent in INPUT FORWARD; do
      while read -r rule; do
        [[ -n $rule ]] || continue
        eval "$t -D $parent ${rule#-A "$parent" }" 2>/dev/null || true
      done < <($t -S $parent | grep -F -- "\"lab-build-network $bridge\"" || true)
    done
    for c in "$IN" "$FWD"; do
      $t -F "$c" 2>/dev/null || true
      $t -X "$c" 2>/dev/null || true
    done
  done
  say "removed from $bridge"
}

cmd_status() {
  iptables -S "$IN" >/dev/null 2>&1 && iptables -S FORWARD | grep -q -- "-j $FWD"
}

case $cmd in
  up) shift 2; cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) die "usage: $0 up BRIDGE SUBNET | down BRIDGE | status BRIDGE" ;;
esac
