#!/usr/bin/env bash
# System packages the tests need (idempotent): Debian's Chromium for the browser tests.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing system packages: ${need[*]} (install them as root)" >&2
  fi
fi
