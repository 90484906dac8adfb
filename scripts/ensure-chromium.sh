#!/bin/sh
# Browser tests drive Debian's chromium (never a downloaded browser). Install it when we can;
# otherwise say how to enable the browser tests, which then skip themselves.
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null && exit 0
fi
echo "NOTE: /usr/bin/chromium is missing, so browser tests will be skipped."
echo "      Enable them with: sudo apt-get install chromium   (then run make test again)"
