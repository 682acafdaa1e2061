#!/usr/bin/env bash
# System packages for the two-instance cluster (`make run-cluster`, `make test-cluster`),
# from Debian's packages, installed only when missing (idempotent):
#   postgresql    shared tracker store (SQLTrackerStore)
#   redis-server  shared lock store (RedisLockStore)
#   nginx         round-robin reverse proxy in front of the two Rasa servers
# Nothing is started or configured system-wide: maina_ops/cluster.py runs private instances
# on loopback with their data under run/cluster/.
set -euo pipefail
need=()
have_pg() {
  command -v initdb >/dev/null 2>&1 && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}
have_pg || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  echo "installing cluster packages: ${need[*]}"
  apt-get update -qq
  # Debian would start the system services after install: not wanted, cluster.py runs its own.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends \
    "${need[@]}" >/dev/null
else
  echo "missing system packages for the cluster tests: ${need[*]} (install them as root;" \
       "make test reports the cluster tests as skipped)" >&2
fi
