#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright cannot download its own browsers here).
set -euo pipefail
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
[[ -x $chromium ]] && exit 0
if [[ $(uname -s) == Linux && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "[chromium] installing Debian's chromium" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi
echo "[chromium] no Chromium at $chromium: install it, or set CHROMIUM_PATH" >&2
exit 1
