#!/usr/bin/env bash
# Fails (exit 1) with a message naming each missing program: xvfb-run, then
# any extra program given as an argument. Never a skip: a kiosk test that
# cannot run is a failed test. usage: require_xvfb.sh [PROGRAM...]
missing=0
for p in xvfb-run "$@"; do
  if ! command -v "$p" >/dev/null 2>&1; then
    echo "ÉCHEC: prérequis manquant: '$p' introuvable dans PATH (apt-get install -y xvfb / tools/setup.sh)" >&2
    missing=1
  fi
done
exit $missing
