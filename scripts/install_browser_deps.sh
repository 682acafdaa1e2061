#!/usr/bin/env bash
# Installs what the browser tests (tests/e2e/test_browser.py) need, idempotently:
#   * Debian's Chromium at /usr/bin/chromium (Playwright's own browser downloads are not used),
#   * Playwright for Python (pinned) into the project venv,
#   * axe-core (pinned, from the npm registry) into web/vendor-test/node_modules.
# Usage: bash scripts/install_browser_deps.sh        (run as root, or with sudo for apt-get)
set -euo pipefail

PLAYWRIGHT_VERSION="1.65.2"   # keep in step with web/vendor-test/package.json notes / docs/web.md
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PIP="$VENV/bin/pip"

if [ ! -x /usr/bin/chromium ]; then
    echo "==> installing Debian chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends chromium fonts-noto-cjk
else
    echo "==> /usr/bin/chromium present"
fi

if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('playwright') != '$PLAYWRIGHT_VERSION')" 2>/dev/null; then
    echo "==> installing playwright==$PLAYWRIGHT_VERSION into $VENV"
    # Never let pip touch Rasa's pins (attrs 22.1.0 etc.): playwright only adds pyee + greenlet.
    "$PIP" install --disable-pip-version-check "playwright==$PLAYWRIGHT_VERSION"
else
    echo "==> playwright $PLAYWRIGHT_VERSION present"
fi
"$PIP" check

if [ ! -f "$ROOT/web/vendor-test/node_modules/axe-core/axe.min.js" ]; then
    echo "==> installing axe-core (pinned in web/vendor-test/package-lock.json)"
    (cd "$ROOT/web/vendor-test" && npm ci --no-audit --no-fund --ignore-scripts)
else
    echo "==> axe-core present"
fi
echo "==> browser test dependencies ready"
