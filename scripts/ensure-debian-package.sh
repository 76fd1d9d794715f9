#!/usr/bin/env bash
# ensure-debian-package.sh COMMAND PACKAGE: install Debian's PACKAGE when COMMAND is not on PATH
# (as root, with apt-get); otherwise say what is missing and fail.
set -euo pipefail
command=$1 package=$2
command -v "$command" >/dev/null && exit 0
if [[ $(uname -s) == Linux && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "[deps] installing Debian's $package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "$package" >/dev/null
  exit 0
fi
echo "[deps] no $command on PATH: install $package" >&2
exit 1
