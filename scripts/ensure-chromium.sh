#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright cannot download its own browsers here).
set -euo pipefail
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
[[ -x $chromium ]] && exit 0
[[ -z ${CHROMIUM_PATH:-} ]] || { echo "[chromium] no Chromium at $chromium: install it, or unset CHROMIUM_PATH" >&2; exit 1; }
exec "$(dirname "${BASH_SOURCE[0]}")/ensure-debian-package.sh" chromium chromium
