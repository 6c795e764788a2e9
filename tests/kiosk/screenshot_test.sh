#!/usr/bin/env bash
# Runs the real relais-kiosk under Xvfb on a seeded demo replica for a
# bounded number of frames and checks each screen's PNG is non-trivial.
#   screenshot_test.sh SOURCE_DIR BUILD_DIR [OUT_DIR]
set -euo pipefail
SRC=$1
BUILD=$2
OUT=${3:-}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
DAY=$(TZ=Europe/Paris date +%F)
"$SRC/tools/demo/seed_kiosk.sh" "$TMP/site.db" "$BUILD" "$DAY" >/dev/null
mkdir -p "$TMP/shots"
timeout 60 xvfb-run -a -s "-screen 0 1280x800x24" \
  "$BUILD/kiosk/relais-kiosk" --db "$TMP/site.db" --now "${DAY}T10:25" \
  --screenshot-dir "$TMP/shots" --frames 4 >/dev/null
status=0
for s in accueil code confirmation planning presences charges conflits secretariat; do
  f="$TMP/shots/kiosk-$s.png"
  size=$(stat -c %s "$f" 2>/dev/null || echo 0)
  if (( size < 30000 )); then
    echo "FAIL: $f is missing or too small ($size bytes)"; status=1
  else
    echo "ok: kiosk-$s.png ($size bytes)"
  fi
done
if [[ -n "$OUT" && $status -eq 0 ]]; then mkdir -p "$OUT" && cp "$TMP"/shots/*.png "$OUT"/; fi
exit $status
