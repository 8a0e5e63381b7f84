#!/usr/bin/env bash
# The browser tests drive Debian's Chromium headless (Playwright's own browser download
# does not work on these machines). Install it when missing and we are allowed to.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> Installing Debian's chromium for the browser tests..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "error: the browser tests need Chromium at /usr/bin/chromium." >&2
echo "       Install it (Debian: sudo apt-get install chromium) and run make test again." >&2
exit 1
