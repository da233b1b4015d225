#!/usr/bin/env bash
# ci-chromium.sh: install Debian's chromium and chromium-driver (if missing)
# for the browser tests in adapters/httpapi (browser_test.go), which skip
# when /usr/bin/chromium is absent. Exits non-zero when it cannot install;
# .ci/run carries on and those tests report as skipped. Needs root or sudo.
set -euo pipefail

log() { echo "ci-chromium: $*" >&2; }

if [ -x /usr/bin/chromium ]; then
	log "$(/usr/bin/chromium --version 2>/dev/null || echo chromium) already installed"
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	sudo=()
else
	sudo=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
log "installing chromium and chromium-driver from Debian packages"
if ! "${sudo[@]}" apt-get install -y --no-install-recommends chromium chromium-driver >&2; then
	"${sudo[@]}" apt-get update >&2
	"${sudo[@]}" apt-get install -y --no-install-recommends chromium chromium-driver >&2
fi
/usr/bin/chromium --version >&2
