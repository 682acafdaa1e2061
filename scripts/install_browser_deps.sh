#!/usr/bin/env bash
# Installs what the browser tests (tests/e2e/test_browser.py) need, idempotently:
#   * Debian's Chromium at /usr/bin/chromium (Playwright's own browser downloads are not used)
#     and Noto CJK fonts (Japanese text drawn and measured with real glyphs),
#   * Playwright for Python, pinned, into the project venv (it only needs greenlet),
#   * axe-core, pinned in web/vendor-test/package-lock.json, into web/vendor-test/node_modules.
# Usage: bash scripts/install_browser_deps.sh   (as root for apt-get; VENV=… for another venv)
set -euo pipefail

PLAYWRIGHT_VERSION="1.65.2"   # docs/web.md lists the pinned versions
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
    echo "==> apt-get install ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
    echo "==> chromium and CJK fonts present"
fi

if "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('playwright') != '$PLAYWRIGHT_VERSION')" 2>/dev/null; then
    echo "==> playwright $PLAYWRIGHT_VERSION present"
else
    echo "==> pip install playwright==$PLAYWRIGHT_VERSION"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "playwright==$PLAYWRIGHT_VERSION"
fi
"$VENV/bin/pip" check --disable-pip-version-check

if [ -f "$ROOT/web/vendor-test/node_modules/axe-core/axe.min.js" ]; then
    echo "==> axe-core present"
else
    echo "==> npm ci (axe-core)"
    (cd "$ROOT/web/vendor-test" && npm ci --no-audit --no-fund --ignore-scripts --silent)
fi
echo "==> browser test dependencies ready"
