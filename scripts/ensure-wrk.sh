#!/bin/sh
# The survey benchmark drives the server with wrk (a C load generator, so the load costs the server
# little CPU). Install Debian's package when we can; otherwise say how.
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's wrk for the survey benchmark..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null && exit 0
fi
echo "NOTE: wrk is missing, so bench/survey_responses.py cannot run. Install it with: sudo apt-get install wrk"
