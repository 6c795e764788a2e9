#!/usr/bin/env bash
# Physical keys into the real relais-kiosk under Xvfb (xdotool):
#  - the scanner path: `relais appt confirmation` writes the QR PNG, zbarimg
#    decodes it (what a USB scanner reads), xdotool types it as a
#    keyboard-wedge burst + Enter, and the replica shows the appointment
#    checked in; a QR of another site typed first is refused;
#  - the speech keys: F1 and keypad '*' each make « Écouter » speak, here into
#    --speech-wav-dir (created 0700), one RIFF/WAVE file per press;
#  - the keyboard-only path (docs/kiosk.md « Clavier seul »): Enter on the
#    confirmation's « OK », Enter on « Je suis arrivé(e) », the code typed at
#    a person's pace, Enter on « Valider »: a third appointment checked in.
#   keyboard_e2e.sh BUILD_DIR
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
read -r ID3 CODE3 < <("$R" appt add --db "$DB" --practitioner dr-a --start "${DAY}T10:50" \
  --duration 15 --patient "Inès Keyboard" --birth 1970-05-05)
"$R" appt confirmation --db "$DB" --id "$ID" --out "$TMP/convocation.png" >/dev/null
TEXT=$(zbarimg --quiet --raw "$TMP/convocation.png" 2>/dev/null)
[[ "$TEXT" == "RELAIS1:msp-vallee:$CODE" ]] || { echo "FAIL: QR decodes to '$TEXT'"; exit 1; }
echo "ok: QR of $ID decodes to $TEXT"

WAVS="$TMP/parole"
export K DB DAY TEXT CODE2 CODE3 WAVS
timeout 60 xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  "$K" --db "$DB" --now "${DAY}T10:25" --speech-wav-dir "$WAVS" 2>"$DB.err" &
  pid=$!
  win=$(timeout 20 xdotool search --sync --name "borne" | head -1)
  xdotool windowfocus --sync "$win" 2>/dev/null || true
  sleep 1
  xdotool type --delay 5 "RELAIS1:autre-site:$CODE2"; xdotool key Return   # another house
  sleep 1
  xdotool type --delay 5 "$TEXT"; xdotool key Return
  sleep 1.5
  xdotool key F1
  sleep 1.5
  xdotool key KP_Multiply
  sleep 1.5
  xdotool key Return; sleep 0.5          # « OK » of the confirmation
  xdotool key Return; sleep 0.5          # « Je suis arrivé(e) »
  xdotool type --delay 300 "$CODE3"; sleep 0.8
  xdotool key Return; sleep 1.5          # « Valider » (focused once complete)
  kill $pid; wait $pid || true'
status_of() { "$R" appt list --db "$DB" --date "$DAY" | grep -F "$1" || true; }
line=$(status_of "$ID")
line2=$(status_of "$ID2")
line3=$(status_of "$ID3")
echo "$line"
echo "$line2"
echo "$line3"
[[ "$line" == *checked_in* ]] || { echo "FAIL: $ID not checked in by the scan"; cat "$DB.err"; exit 1; }
[[ "$line2" != *checked_in* ]] || { echo "FAIL: $ID2 checked in by another site's QR"; exit 1; }
echo "ok: scanned QR checked $ID in; another site's QR refused"
[[ "$line3" == *checked_in* ]] || { echo "FAIL: $ID3 not checked in with the keyboard alone"; cat "$DB.err"; exit 1; }
echo "ok: keyboard alone (Enter, typed code, Enter) checked $ID3 in"

[[ "$(stat -c %a "$WAVS")" == 700 ]] || { echo "FAIL: $WAVS not 0700"; exit 1; }
for n in 1 2; do
  f="$WAVS/parole-$n.wav"
  size=$(stat -c %s "$f" 2>/dev/null || echo 0)
  head=$(head -c 4 "$f" 2>/dev/null || true)
  if [[ "$head" != RIFF ]] || (( size < 100000 )); then
    echo "FAIL: $f missing, not RIFF or too short ($size bytes)"; cat "$DB.err"; exit 1
  fi
  echo "ok: $f ($size bytes)"
done
[[ ! -e "$WAVS/parole-3.wav" ]] || { echo "FAIL: more speech than key presses"; exit 1; }
