#!/usr/bin/env bash
# The waiting-room display (relais-kiosk --display) under Xvfb on a seeded
# replica: a ticket called before it starts is not announced; a ticket
# called while it runs is announced (« appel : Ticket X, salle 2 » on
# stdout) and said through the speech path (--speech-wav-dir: one WAV).
#   display_e2e.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
SRC=$1
BUILD=$2
TMP=$(mktemp -d)
pid=
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
DAY=$(TZ=Europe/Paris date +%F)
R="$BUILD/tools/relais"
"$SRC/tools/demo/seed_kiosk.sh" "$TMP/site.db" "$BUILD" "$DAY" >/dev/null
"$R" ticket issue --db "$TMP/site.db" >/dev/null
"$R" ticket call --db "$TMP/site.db" --room 3 >/dev/null
# A crafted --ticket-printer is refused before any window (exit 2, reason).
for bad in "-oraw" 'a;touch x' '$(id)'; do
  rc=0
  msg=$("$BUILD/kiosk/relais-kiosk" --db "$TMP/site.db" --ticket-printer "$bad" 2>&1) || rc=$?
  if [[ $rc != 2 || "$msg" != *"nom d'imprimante invalide"* ]]; then
    echo "FAIL: --ticket-printer '$bad' gave rc=$rc: $msg"; exit 1
  fi
done
echo "ok: crafted --ticket-printer names refused"
mkdir "$TMP/wav"
timeout 60 xvfb-run -a -s "-screen 0 1280x800x24" "$BUILD/kiosk/relais-kiosk" \
  --db "$TMP/site.db" --display --speech-wav-dir "$TMP/wav" >"$TMP/out.txt" 2>"$TMP/err.txt" &
pid=$!
sleep 5  # the display has read the replica once
number=$("$R" ticket issue --db "$TMP/site.db" | cut -f1)
"$R" ticket call --db "$TMP/site.db" --ticket "$number" --room "Salle 2" >/dev/null
for _ in $(seq 1 40); do
  grep -q "appel" "$TMP/out.txt" && ls "$TMP"/wav/*.wav >/dev/null 2>&1 && break
  sleep 0.5
done
status=0
want="appel : Ticket $number, salle 2"
if ! grep -qx "$want" "$TMP/out.txt"; then
  echo "FAIL: « $want » not announced; stdout:"; cat "$TMP/out.txt"; cat "$TMP/err.txt"; status=1
fi
if [[ $(grep -c "appel" "$TMP/out.txt") != 1 ]]; then
  echo "FAIL: the call made before the display started was announced too"; status=1
fi
wavs=$(ls "$TMP"/wav/*.wav 2>/dev/null | wc -l)
if [[ $wavs != 1 ]]; then echo "FAIL: $wavs WAV files, want 1"; status=1; fi
[[ $status == 0 ]] && echo "ok: $want (1 WAV)"
exit $status
