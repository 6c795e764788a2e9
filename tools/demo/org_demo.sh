#!/usr/bin/env bash
# Part of the README demo (tools/demo.sh, issue #19): a centre de santé
# with three sites — Digoin (centre), Autun (antenne, Tuesday and Thursday
# afternoons), Chalon-sur-Saône (centre) — two doctors shared between two
# sites each, one house replica per site, and a remote secretariat replica
# holding the whole organisation (`relais init --org`, scope learnt from
# its token) that finds the next free slot anywhere and books into each
# site. Then the houses sync and see their own bookings, and only those.
# usage: org_demo.sh BUILD_DIR OUT_DIR HUB_ADDR HUB_DB TODAY
set -euo pipefail
B=$1; OUT=$2; ADDR=$3; HUBDB=$4; TODAY=$5
R="$B/tools/relais"; HUB="$B/server/relais-hub"
D="$OUT/cds71"; mkdir -p -m 700 "$D"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
sync() { "$R" sync --quiet --db "$D/$1.db" --hub "$ADDR" --token-file "$D/$1.jeton" >/dev/null; }

say "Centre de santé multi-sites CDS71: trois sites, un secrétariat à distance"
(
  umask 077
  "$HUB" enroll --db "$HUBDB" --org CDS71 --site DIGOIN --site AUTUN --site CHALON --name cds71-secretariat | tail -1 >"$D/secretariat.jeton"
  for s in digoin autun chalon; do
    "$HUB" enroll --db "$HUBDB" --org CDS71 --site "${s^^}" --name "cds71-$s" | tail -1 >"$D/$s.jeton"
  done
)
# The secretariat holds the whole organisation: its sites come from its token.
"$R" init --db "$D/secretariat.db" --org CDS71 >/dev/null
sync secretariat
"$R" status --db "$D/secretariat.db" | grep "sites tenus"
# One key for the organisation, carried to each house (passphrase-protected).
echo "phrase de démonstration du CDS71" >"$D/phrase"
"$R" key export --db "$D/secretariat.db" --out "$D/cle.export" --passphrase-file "$D/phrase" >/dev/null
S="$D/secretariat.db"
"$R" org site set --db "$S" --id DIGOIN --name Digoin --kind centre --hours "1-5 08:00-19:00" >/dev/null
"$R" org site set --db "$S" --id AUTUN --name Autun --kind antenne --hours "2 14:00-18:00;4 14:00-18:00" >/dev/null
"$R" org site set --db "$S" --id CHALON --name "Chalon-sur-Saône" --kind centre --hours "1-5 08:00-20:00;6 08:00-12:00" >/dev/null
"$R" org pole add --db "$S" --id mg --name "Médecine générale" >/dev/null
"$R" practitioner add --db "$S" --id lemoine --name "Dr Lemoine" --profession medecin --sites DIGOIN,AUTUN --pole mg >/dev/null
"$R" practitioner add --db "$S" --id roche --name "Dr Roche" --profession medecin --sites AUTUN,CHALON --pole mg >/dev/null
"$R" practitioner add --db "$S" --id petit --name "Mme Petit" --profession infirmier --sites CHALON >/dev/null
plage() {  # PRACT SITE WEEKDAY START END
  "$R" plage add --db "$S" --practitioner "$1" --site "$2" --weekday "$3" --start "$4" --end "$5" \
    --kind programmee --slot 20 --from "$TODAY" >/dev/null
}
for d in 1 3 5; do plage lemoine DIGOIN $d 09:00 12:00; done
for d in 2 4; do plage lemoine AUTUN $d 14:00 18:00; plage roche AUTUN $d 09:00 12:00; done
for d in 1 3 5; do plage roche CHALON $d 14:00 18:00; done
for d in 1 2 3 4 5; do plage petit CHALON $d 08:00 10:00; done
echo "sites: Digoin (centre), Autun (antenne, mardi et jeudi après-midi), Chalon-sur-Saône (centre)"
echo "Dr Lemoine: Digoin + Autun ; Dr Roche: Autun + Chalon ; Mme Petit: Chalon"
sync secretariat
for s in digoin autun chalon; do
  "$R" init --db "$D/$s.db" --org CDS71 --site "${s^^}" --key-file "$D/cle.export" --passphrase-file "$D/phrase" >/dev/null
  sync "$s"
done

say "Le secrétariat cherche le prochain créneau libre, tous sites (relais slot next)"
AFTER="${TODAY}T08:00"
"$R" slot next --db "$S" --after "$AFTER" --count 6 | sed 's/^/  /'
for site in DIGOIN AUTUN CHALON; do
  read -r START PRACT < <("$R" slot next --db "$S" --site "$site" --after "$AFTER" --count 1 | awk -F'\t' '$1=="créneau"{print $2, $4; exit}')
  ID=$("$R" appt add --db "$S" --site "$site" --practitioner "$PRACT" --start "$START" --duration 20 \
        --patient "Patient appelant $site" --birth 1944-06-06 | awk '{print $1}')
  echo "réservé à $site: $START avec $PRACT ($ID)"
done
sync secretariat
for s in digoin autun chalon; do sync "$s"; done
for s in digoin autun chalon; do
  n=$("$R" dump --db "$D/$s.db" --json | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["collection"]=="appointment"))')
  other=$("$R" dump --db "$D/$s.db" --json | python3 -c '
import json,sys
print(sorted({r["site"] for r in json.load(sys.stdin)} - {"CDS71", sys.argv[1]}))' "${s^^}")
  echo "maison ${s^^}: $n rendez-vous reçu(s) du secrétariat; sites d'autres maisons tenus: $other"
  [ "$n" = 1 ] && [ "$other" = "[]" ] || { echo "périmètre non respecté"; exit 1; }
done
