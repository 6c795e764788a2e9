#!/usr/bin/env bash
# The README demo: installs what is missing, builds, then runs a hub on
# loopback with three houses — site S1 has two replicas (the reception kiosk
# and the secretariat), S2 and S3 one each — enters a day of data, syncs,
# makes a concurrent edit of the same appointment at both S1 replicas (a kiosk
# check-in while the secretary marks "no_show"), syncs again, shows that the
# replicas converge byte for byte and that S2 never sees S1's data, prints the
# funding office's dashboard URL and report, sets up a multi-site centre de
# santé with a remote secretariat (tools/demo/org_demo.sh), and runs the kiosk (under Xvfb
# when there is no display) saving screenshots. Output in ./demo-out.
# RELAIS_DEMO_SKIP_BUILD=1 (the ctest demo_smoke) runs on an existing
# BUILD_DIR, writing to RELAIS_DEMO_OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${RELAIS_DEMO_SKIP_BUILD:-}" ]; then
  bash tools/setup.sh
  # Only what the demo runs, not the tests (about half the full build).
  TARGETS="relais relais-hub relais-kiosk relais-demo-conflict" bash tools/build.sh
fi
ROOT=$(pwd)
case "${BUILD_DIR:-build}" in
  /*) B=$BUILD_DIR ;;
  *) B="$ROOT/${BUILD_DIR:-build}" ;;
esac
OUT=${RELAIS_DEMO_OUT:-"$ROOT/demo-out"}
rm -rf "$OUT"; mkdir -p "$OUT/screens"
R="$B/tools/relais"; HUB="$B/server/relais-hub"; KIOSK="$B/kiosk/relais-kiosk"
TODAY=$(TZ=Europe/Paris date +%F); MONTH=${TODAY:0:7}
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
S="$OUT/s1-secretariat.db"; A="$OUT/s1-accueil.db"

say "Maisons: une réplique SQLite par poste, tout fonctionne hors ligne"
RELAIS_SEED_CONFLICT_ID_OUT="$OUT/conflict-id" bash tools/demo/seed_kiosk.sh "$S" "$B" "$TODAY" >/dev/null
S1=$("$R" status --db "$S" | sed -n 's/.*(site \(.*\))$/\1/p')
echo "S1 ($S1) secrétariat : $(grep -c '"collection":"appointment"' <("$R" dump --db "$S" --json)) rendez-vous du jour, présences, charges communes (données fictives)"
echo "S1 ($S1) accueil     : réplique $("$R" init --db "$A" --site "$S1")"
for h in s2 s3; do
  site=${h^^}
  "$R" init --db "$OUT/$h.db" --site "$site" >/dev/null
  "$R" practitioner add --db "$OUT/$h.db" --id med --name "Dr Maison $site" --profession medecin >/dev/null
  for t in 09:00 09:30 14:00; do
    "$R" appt add --db "$OUT/$h.db" --practitioner med --start "${TODAY}T$t" --duration 20 \
      --patient "Patient $site $t" --birth 1960-01-01 >/dev/null
  done
  echo "$site                  : réplique $(sed -n 1p <("$R" status --db "$OUT/$h.db") | awk '{print $2}'), 3 rendez-vous"
done

GRPC=$(port); HTTP=$(port)
say "Hub sur 127.0.0.1:$GRPC (gRPC) et http://127.0.0.1:$HTTP (financeur)"
# Tokens go to 0600 files, never on a command line (visible in ps).
declare -A SITE=([s1-accueil]=$S1 [s1-secretariat]=$S1 [s2]=S2 [s3]=S3)
mkdir -p -m 700 "$OUT/jetons"
(
  umask 077
  for h in s1-secretariat s1-accueil s2 s3; do
    "$HUB" enroll --db "$OUT/hub.db" --site "${SITE[$h]}" --name "$h" | tail -1 >"$OUT/jetons/$h"
  done
  "$HUB" council-enroll --db "$OUT/hub.db" --name "Conseil départemental" --site "$S1" --site S2 --site S3 \
    --expires 90 | tail -1 >"$OUT/jetons/conseil"
)
"$HUB" --db "$OUT/hub.db" --listen "127.0.0.1:$GRPC" --http-listen "127.0.0.1:$HTTP" 2>"$OUT/hub.log" &
HUB_PID=$!
trap 'kill $HUB_PID 2>/dev/null || true' EXIT
for _ in $(seq 50); do python3 -c "import socket;socket.create_connection(('127.0.0.1',$HTTP),0.2)" 2>/dev/null && break; sleep 0.1; done
sync() { printf '%-15s ' "$1"; "$R" sync --quiet --db "$OUT/$1.db" --hub "127.0.0.1:$GRPC" --token-file "$OUT/jetons/$1" | paste -sd' '; }

say "Première synchronisation"
for h in s1-secretariat s1-accueil s2 s3; do sync $h; done

say "Hors ligne, aux deux postes de S1, le même rendez-vous change"
"$B/tools/demo/relais-demo-conflict" --db "$S" --other "$A" --collection appointment \
  --id "$(cat "$OUT/conflict-id")" --field room --ours "Cabinet 1" --theirs "Cabinet 3" >/dev/null
echo "secrétariat et accueil: la salle d'un autre rendez-vous est changée des deux côtés (Cabinet 1 / Cabinet 3)"
read -r _ APPT _ _ CODE _ < <("$R" appt list --db "$A" --date "$TODAY" | awk -F'\t' '$4=="booked"{print $1, $2, $3, $4, $5; exit}' | tr '\t' ' ')
"$R" appt checkin --db "$A" --code "$CODE" >/dev/null
"$R" appt set-status --db "$S" --id "$APPT" --status no_show
echo "accueil    : le patient du rendez-vous $APPT s'enregistre à la borne (code $CODE)"
echo "secrétariat: au même moment, le rendez-vous est marqué « absent » (no_show)"
for h in s1-accueil s1-secretariat s1-accueil; do sync $h; done

say "Convergence"
if cmp -s <("$R" dump --db "$A" --json) <("$R" dump --db "$S" --json); then
  echo "S1: les deux répliques sont identiques octet pour octet"
else
  echo "S1: DIVERGENCE"; exit 1
fi
if "$R" dump --db "$OUT/s2.db" --json | grep -q "$APPT"; then
  echo "S2 a reçu une donnée de S1 !"; exit 1
fi
echo "S2 ne voit aucune donnée de S1 (périmètre du jeton)"
"$R" dump --db "$A" --json | grep "\"$APPT\"" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read().strip().rstrip(","))
print("statut fusionné:", r["fields"]["status"], "— l arrivée réelle l emporte sur « absent »; valeurs concurrentes gardées:",
      [v["value"] for v in r["conflicts"].get("status", {}).get("values", [])])'
"$R" status --db "$A" | sed 's/^/accueil: /'

say "Chiffrement de bout en bout (issue #15)"
for k in "$OUT"/relais-*.cle; do echo "clé d'organisation: $k (mode $(stat -c %a "$k"), jamais envoyée au hub)"; done
NAME=$("$R" dump --clair --db "$S" --json | python3 -c '
import json, sys
for l in sys.stdin:
    l = l.strip().rstrip(",")
    if l.startswith("{") and "\"patient_name\"" in l:
        print(json.loads(l)["fields"]["patient_name"]); break')
if [ -z "$NAME" ] || grep -qF "$NAME" "$OUT"/hub.db*; then echo "hub: nom de patient en clair !"; exit 1; fi
echo "hub: « $NAME » n'apparaît ni dans hub.db ni dans son WAL (noms, naissances, notes, PIN chiffrés)"
echo "lire en clair sur une réplique du site: relais dump --clair --db $S ; joindre une réplique: relais key export / relais init --key-file"

bash tools/demo/org_demo.sh "$B" "$OUT" "127.0.0.1:$GRPC" "$OUT/hub.db" "$TODAY"

say "Charges communes de S1 ($MONTH)"
"$R" ledger balance --db "$S" --month "$MONTH"

say "Financeur: agrégats anonymisés (cellules < 11 masquées)"
echo "Tableau de bord : http://127.0.0.1:$HTTP/ (jeton conseil à coller dans le formulaire : $OUT/jetons/conseil, valable 90 jours)"
# A month is published once it is over, then frozen (docs/reporting.md
# §Publications): the current month is refused, the previous one is served.
PREV=$(TZ=Europe/Paris date -d "${MONTH}-01 -1 day" +%Y-%m)
"$R" report --url "http://127.0.0.1:$HTTP" --token-file "$OUT/jetons/conseil" --from "$MONTH" --to "$MONTH" \
  --format csv --out "$OUT/refuse.csv" 2>&1 | sed 's/^/  /' || true
"$R" report --url "http://127.0.0.1:$HTTP" --token-file "$OUT/jetons/conseil" --from "$PREV" --to "$PREV" \
  --format csv --out "$OUT/rapport-$PREV.csv"
grep -E "^site:[^;]*;[^;]*;[0-9][^;]*;.*;(rdv_total|honores|non_venus);" "$OUT/rapport-$PREV.csv" | cut -d';' -f2,3,6,10 | tr ';' '\t' || true
tail -n 2 "$OUT/hub.log" | sed 's/^/hub: /'

say "Borne (kiosk) sur la réplique d'accueil de S1"
if [ -n "${DISPLAY:-}" ] && [ -z "${CI:-}" ]; then
  echo "Fenêtre ouverte (code de démonstration du personnel: 1234). Fermez-la pour finir."
  "$KIOSK" --db "$A" --hub "127.0.0.1:$GRPC" --token-file "$OUT/jetons/s1-accueil" || true
else
  # Walk-in queue (issue #16): two rooms, two tickets taken, one called to
  # Salle 3, so the waiting-room display (--display) shows a call.
  "$R" org room add --db "$A" --id salle1 --site "$S1" --name "Salle 1" >/dev/null
  "$R" org room add --db "$A" --id salle3 --site "$S1" --name "Salle 3" >/dev/null
  "$R" ticket issue --db "$A" | sed 's/^/ticket: /'
  "$R" ticket issue --db "$A" | sed 's/^/ticket: /'
  "$R" ticket call --db "$A" --room "Salle 3" | sed 's/^/appel: /'
  timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" "$KIOSK" --db "$A" --now "${TODAY}T10:25" \
    --screenshot-dir "$OUT/screens" --frames 4 >/dev/null
  timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" "$KIOSK" --db "$A" --now "${TODAY}T10:25" \
    --display --screenshot-dir "$OUT/screens" --frames 4 >/dev/null
  ls "$OUT/screens"/*.png | sed 's/^/capture: /'
  # The remote secretariat of the multi-site centre: its slot search
  # (« Prochain créneau libre ») over the three sites.
  mkdir -p "$OUT/screens/cds71"
  timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" "$KIOSK" --db "$OUT/cds71/secretariat.db" \
    --now "${TODAY}T08:05" --screenshot-dir "$OUT/screens/cds71" --frames 4 >/dev/null
  echo "capture: $OUT/screens/cds71/kiosk-secretariat.png (secrétariat du CDS71, trois sites)"
fi
say "Démo terminée. Tout est dans $OUT"
