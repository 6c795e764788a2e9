#!/usr/bin/env bash
# The scanner path end to end: `relais appt confirmation` writes the QR PNG,
# zbarimg decodes it (what a USB scanner reads), xdotool types it into the
# real relais-kiosk under Xvfb as a keyboard-wedge burst + Enter, and the
# replica shows the appointment checked in. A QR of another site typed first
# is refused and leaves its appointment booked.
#   scanner_e2e.sh BUILD_DIR
set -euo pipefail
BUILD=$1
R="$BUILD/tools/relais"
K="$BUILD/kiosk/relais-kiosk"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
DAY=$(TZ=Europe/Paris date +%F)
DB="$TMP/site.db"
"$R" init --db "$DB" --site msp-vallee >/dev/null
"$R" practitioner add --db "$DB" --id dr-a --name "Dr Alice Arnaud" --profession medecin >/dev/null
read -r ID CODE < <("$R" appt add --db "$DB" --practitioner dr-a --start "${DAY}T10:30" \
  --duration 15 --patient "Zoé Quintavalle" --birth 1950-03-02)
read -r ID2 CODE2 < <("$R" appt add --db "$DB" --practitioner dr-a --start "${DAY}T10:45" \
  --duration 15 --patient "Marc Wolfsohn" --birth 1960-01-01)
"$R" appt confirmation --db "$DB" --id "$ID" --out "$TMP/convocation.png" >/dev/null
TEXT=$(zbarimg --quiet --raw "$TMP/convocation.png" 2>/dev/null)
[[ "$TEXT" == "RELAIS1:msp-vallee:$CODE" ]] || { echo "FAIL: QR decodes to '$TEXT'"; exit 1; }
echo "ok: QR of $ID decodes to $TEXT"

export K DB DAY TEXT CODE2
timeout 60 xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  "$K" --db "$DB" --now "${DAY}T10:25" --no-speech 2>"$DB.err" &
  pid=$!
  win=$(timeout 20 xdotool search --sync --name "borne" | head -1)
  xdotool windowfocus --sync "$win" 2>/dev/null || true
  sleep 1
  xdotool type --delay 5 "RELAIS1:autre-site:$CODE2"; xdotool key Return   # another house
  sleep 1
  xdotool type --delay 5 "$TEXT"; xdotool key Return
  sleep 2
  kill $pid; wait $pid || true'
status_of() { "$R" appt list --db "$DB" --date "$DAY" | grep -F "$1" || true; }
line=$(status_of "$ID")
line2=$(status_of "$ID2")
echo "$line"
echo "$line2"
[[ "$line" == *checked_in* ]] || { echo "FAIL: $ID not checked in by the scan"; cat "$DB.err"; exit 1; }
[[ "$line2" != *checked_in* ]] || { echo "FAIL: $ID2 checked in by another site's QR"; exit 1; }
echo "ok: scanned QR checked $ID in; another site's QR refused"
