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
# A missing parent directory is refused with a reason, before any window.
if out=$("$BUILD/kiosk/relais-kiosk" --db "$TMP/site.db" --screenshot-dir "$TMP/absent/shots" 2>&1); then
  echo "FAIL: --screenshot-dir under a missing parent succeeded"; exit 1
fi
if [[ "$out" != *"parent"* ]]; then echo "FAIL: no reason given: $out"; exit 1; fi
echo "ok: missing parent refused: $out"
# Walk-in queue (issue #16): two rooms, two tickets, one called to Salle 3,
# so the ticket screen, « File d'attente » and the display have content.
R="$BUILD/tools/relais"
SITE=$("$R" status --db "$TMP/site.db" | sed -n 's/.*(site \(.*\))$/\1/p')
"$R" org room add --db "$TMP/site.db" --id salle1 --site "$SITE" --name "Salle 1" >/dev/null
"$R" org room add --db "$TMP/site.db" --id salle3 --site "$SITE" --name "Salle 3" >/dev/null
"$R" ticket issue --db "$TMP/site.db" >/dev/null
"$R" ticket issue --db "$TMP/site.db" >/dev/null
"$R" ticket call --db "$TMP/site.db" --room "Salle 3" >/dev/null
# The shots directory does not exist yet: the kiosk creates it (0700).
timeout 60 xvfb-run -a -s "-screen 0 1280x800x24" \
  "$BUILD/kiosk/relais-kiosk" --db "$TMP/site.db" --now "${DAY}T10:25" \
  --screenshot-dir "$TMP/shots" --frames 4 >/dev/null
# The waiting-room display (--display) writes kiosk-affichage.png.
timeout 60 xvfb-run -a -s "-screen 0 1280x800x24" \
  "$BUILD/kiosk/relais-kiosk" --db "$TMP/site.db" --now "${DAY}T10:25" --display \
  --screenshot-dir "$TMP/shots" --frames 4 >/dev/null
status=0
mode=$(stat -c %a "$TMP/shots")
if [[ "$mode" != 700 ]]; then echo "FAIL: $TMP/shots mode $mode, want 700"; status=1; fi
for s in accueil code confirmation planning presences charges conflits \
         accueil-contraste code-contraste accueil-200 code-200 naissance naissance-200 \
         confirmation-200 secretariat ticket file-attente affichage ticket-200 pin \
         pin-200 choix choix-200 invite invite-200; do
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
