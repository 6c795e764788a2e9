#!/usr/bin/env bash
# The README demo: installs what is missing, builds, then runs a hub on
# loopback with three houses (site S1 has two replicas: the kiosk and the
# secretariat), makes changes at each — including a concurrent edit of the
# same appointment at both replicas of S1 — syncs, shows that every replica
# converges, and runs the kiosk (under Xvfb when there is no display) saving
# screenshots. Everything lives in ./demo-out (recreated each run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh
ROOT=$(pwd)
B="$ROOT/${BUILD_DIR:-build}"
OUT="$ROOT/demo-out"
rm -rf "$OUT"; mkdir -p "$OUT"
R="$B/tools/relais"
HUB="$B/server/relais-hub"
KIOSK="$B/kiosk/relais-kiosk"
TODAY=$(TZ=Europe/Paris date +%F)
MONTH=${TODAY:0:7}
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Maisons: création des répliques (une par poste)"
declare -A SITE=([s1-accueil]=S1 [s1-secretariat]=S1 [s2]=S2 [s3]=S3)
for h in s1-accueil s1-secretariat s2 s3; do
  printf '%-16s site %s  réplique %s\n' "$h" "${SITE[$h]}" "$("$R" init --db "$OUT/$h.db" --site "${SITE[$h]}")"
done

say "Données du jour ($TODAY) saisies hors ligne"
A="$OUT/s1-accueil.db"; S="$OUT/s1-secretariat.db"
"$R" practitioner add --db "$S" --id martin --name "Dr Claire Martin" --profession medecin --share 50 >/dev/null
"$R" practitioner add --db "$S" --id leroy --name "Paul Leroy" --profession infirmier --share 30 >/dev/null
"$R" practitioner add --db "$S" --id benali --name "Sarah Benali" --profession sage_femme --share 20 >/dev/null
add() { "$R" appt add --db "$1" --practitioner "$2" --start "${TODAY}T$3" --duration 20 --patient "$4" --birth "$5" ${6:+--kind "$6"}; }
read -r APPT1 CODE1 < <(add "$S" martin 09:00 "Jeanne Dupont" 1950-03-02)
add "$S" martin 09:20 "Marcel Petit" 1942-07-14 >/dev/null
add "$S" leroy 10:00 "Lucie Bernard" 1988-11-30 >/dev/null
add "$S" benali 11:00 "Emma Roux" 1995-05-21 >/dev/null
for p in martin leroy benali; do
  "$R" presence set --db "$S" --practitioner $p --date "$TODAY" --half am --state present --room "$((RANDOM % 3 + 1))" >/dev/null
done
"$R" presence set --db "$S" --practitioner martin --date "$TODAY" --half pm --state remplace --replacement "Dr Hugo Blanc" >/dev/null
"$R" ledger add --db "$S" --amount 1200.00 --category loyer --payer martin --key share --label "Loyer $MONTH" --month "$MONTH" >/dev/null
"$R" ledger add --db "$S" --amount 185.40 --category energie --payer leroy --key equal --label "Électricité" --month "$MONTH" >/dev/null
echo "RDV $APPT1 (code $CODE1) et 3 autres au secrétariat de S1; présences; 2 écritures de charges"
for h in s2 s3; do
  "$R" practitioner add --db "$OUT/$h.db" --id "med-$h" --name "Dr ${h^^}" --profession medecin >/dev/null
  add "$OUT/$h.db" "med-$h" 14:00 "Patient $h" 1970-01-01 >/dev/null
done

if [ -x "$HUB" ]; then
  PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  say "Hub sur 127.0.0.1:$PORT"
  declare -A TOK
  for h in s1-accueil s1-secretariat s2 s3; do
    TOK[$h]=$("$HUB" enroll --db "$OUT/hub.db" --site "${SITE[$h]}" --name "$h" | awk 'NF{t=$NF} END{print t}')
  done
  "$HUB" --db "$OUT/hub.db" --listen "127.0.0.1:$PORT" 2>"$OUT/hub.log" &
  HUB_PID=$!
  trap 'kill $HUB_PID 2>/dev/null || true' EXIT
  for _ in $(seq 50); do python3 -c "import socket;socket.create_connection(('127.0.0.1',$PORT),0.2)" 2>/dev/null && break; sleep 0.1; done
  sync() { printf '%-16s ' "$1"; "$R" sync --db "$OUT/$1.db" --hub "127.0.0.1:$PORT" --token "${TOK[$1]}"; }
  say "Première synchronisation"
  for h in s1-secretariat s1-accueil s2 s3; do sync $h; done

  say "Modification concurrente du même rendez-vous, hors ligne, aux deux postes de S1"
  "$R" appt checkin --db "$A" --code "$CODE1"
  "$R" appt set-status --db "$S" --id "$APPT1" --status no_show
  echo "accueil: arrivée enregistrée à la borne; secrétariat: « absent » au même moment"
  for h in s1-accueil s1-secretariat s1-accueil; do sync $h; done

  say "Convergence"
  ok=1
  for pair in "s1-accueil s1-secretariat"; do
    set -- $pair
    if cmp -s <("$R" dump --db "$OUT/$1.db" --json) <("$R" dump --db "$OUT/$2.db" --json); then
      echo "S1: les deux répliques sont identiques octet pour octet"
    else ok=0; echo "S1: DIVERGENCE"; fi
  done
  "$R" dump --db "$OUT/s2.db" --json | grep -q "$APPT1" && { ok=0; echo "S2 a reçu une donnée de S1 !"; } || echo "S2 ne voit aucune donnée de S1 (périmètre respecté)"
  echo -n "Statut fusionné du RDV $APPT1: "
  "$R" dump --db "$A" --json | grep "$APPT1" | python3 -c 'import json,sys; r=json.loads(sys.stdin.read().strip().rstrip(",")); print(r["fields"]["status"], "(conflits:", list(r["conflicts"]) or "aucun", ")")'
  [ $ok = 1 ] || exit 1
  tail -n 3 "$OUT/hub.log" | sed 's/^/hub: /'
else
  say "relais-hub absent de cette construction: démonstration locale seulement"
fi

say "Charges communes de S1 ($MONTH)"
"$R" ledger balance --db "$S" --month "$MONTH"

if [ -x "$KIOSK" ]; then
  say "Borne (kiosk) sur la réplique d'accueil de S1"
  mkdir -p "$OUT/screens"
  if [ -n "${DISPLAY:-}" ] && [ -z "${CI:-}" ]; then
    "$KIOSK" --db "$A" || true
  else
    xvfb-run -a -s "-screen 0 1280x800x24" "$KIOSK" --db "$A" --screenshot-dir "$OUT/screens" --frames 6
    ls "$OUT/screens"/*.png | sed 's/^/capture: /'
  fi
fi
say "Démo terminée. Fichiers dans $OUT"
