#!/usr/bin/env bash
# End to end, issue #19: a centre de santé CDS71 with two sites (Digoin,
# Autun), one relais-hub PROCESS, and three replicas driven only through the
# `relais` command line, each in its own directory (its own machine): the
# remote secretariat (scope CDS71+DIGOIN+AUTUN) and the two houses
# (CDS71+their site). The secretariat sets up the organisation (sites with
# opening hours, a pôle, a doctor working at both sites, plages), the houses
# receive it; then, offline, the Digoin desk and the secretariat both book
# Monday 09:00 at Digoin, the secretariat also books Tuesday at Autun; all
# three sync at the same time, then again. Oracles, written here by hand:
# the records of each site are byte-identical on every replica holding it,
# Autun holds nothing of Digoin's, both Digoin holders list the double
# booking and propose the same next free slot (09:30), and each house's
# slot search starts where the hand-computed plage says.
# Loopback only; every wait is bounded. usage: org_processes_e2e.sh BUILD_DIR
set -u
B=${1:?build dir}
R="$B/tools/relais"; H="$B/server/relais-hub"
W=$(mktemp -d /tmp/relais-org-e2e.XXXXXX); PH=
trap '{ [ -n "$PH" ] && kill -9 $PH && wait $PH; } 2>/dev/null; rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; tail -5 "$W"/hub.log 2>/dev/null; exit 1; }
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
up() { for _ in $(seq 100); do python3 -c "import socket;socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0; sleep 0.1; done; fail "hub on port $1 not up"; }
G=$(port)
"$H" --db "$W/hub.db" --listen "127.0.0.1:$G" 2>>"$W/hub.log" & PH=$!
up "$G"
mkdir -p "$W/sec" "$W/digoin" "$W/autun"
( umask 077
  "$H" enroll --db "$W/hub.db" --org CDS71 --site DIGOIN --site AUTUN --name secretariat | tail -1 >"$W/sec/jeton"
  "$H" enroll --db "$W/hub.db" --org CDS71 --site DIGOIN --name digoin | tail -1 >"$W/digoin/jeton"
  "$H" enroll --db "$W/hub.db" --org CDS71 --site AUTUN --name autun | tail -1 >"$W/autun/jeton" ) || fail enroll
SEC="$W/sec/sec.db"; DIG="$W/digoin/d.db"; AUT="$W/autun/a.db"
sync() { "$R" sync --db "$1" --hub "127.0.0.1:$G" --token-file "$(dirname "$1")/jeton" --quiet >"$1.out" 2>&1 || fail "sync $1: $(cat "$1.out")"; }

# The secretariat creates the organisation key; the houses import it.
"$R" init --db "$SEC" --org CDS71 --site DIGOIN --site AUTUN >/dev/null || fail "init sec"
[ -f "$W/sec/relais-CDS71.cle" ] || fail "no organisation key file"
echo "une phrase de passe assez longue" >"$W/pass"
"$R" key export --db "$SEC" --out "$W/cle.export" --passphrase-file "$W/pass" >/dev/null || fail "key export"
"$R" init --db "$DIG" --org CDS71 --site DIGOIN --key-file "$W/cle.export" --passphrase-file "$W/pass" >/dev/null || fail "init digoin"
"$R" init --db "$AUT" --org CDS71 --site AUTUN --key-file "$W/cle.export" --passphrase-file "$W/pass" >/dev/null || fail "init autun"

# Organisation, set up by the secretariat (Monday 7 December 2026: CET).
"$R" org site set --db "$SEC" --id DIGOIN --name Digoin --kind centre --hours "1-5 08:00-19:00" >/dev/null || fail "site digoin"
"$R" org site set --db "$SEC" --id AUTUN --name Autun --kind antenne --hours "2 14:00-17:00" >/dev/null || fail "site autun"
"$R" org pole add --db "$SEC" --id mg --name "Médecine générale" >/dev/null || fail pole
"$R" practitioner add --db "$SEC" --id lemoine --name "Dr Lemoine" --profession medecin --sites DIGOIN,AUTUN --pole mg >/dev/null || fail practitioner
"$R" plage add --db "$SEC" --practitioner lemoine --weekday 1 --start 09:00 --end 12:00 --kind programmee --slot 30 --from 2026-12-01 --site DIGOIN >/dev/null || fail "plage digoin"
# 13:00-18:00 at Autun, clipped by the antenna's hours to 14:00-17:00.
"$R" plage add --db "$SEC" --practitioner lemoine --weekday 2 --start 13:00 --end 18:00 --kind programmee --slot 30 --from 2026-12-01 --site AUTUN >/dev/null || fail "plage autun"
sync "$SEC"; sync "$DIG"; sync "$AUT"

first_slot() {  # DB SITE -> "DATE TIME" of the first free slot after Monday 00:00
  "$R" slot next --db "$1" --site "$2" --after 2026-12-07T00:00 --count 1 | awk -F'\t' '$1=="créneau"{print $2; exit}'
}
[ "$(first_slot "$DIG" DIGOIN)" = 2026-12-07T09:00 ] || fail "digoin first slot: $(first_slot "$DIG" DIGOIN)"
[ "$(first_slot "$AUT" AUTUN)" = 2026-12-08T14:00 ] || fail "autun first slot (hours clip): $(first_slot "$AUT" AUTUN)"
"$R" slot next --db "$AUT" --site DIGOIN --after 2026-12-07T00:00 --count 1 >/dev/null 2>&1
[ -z "$("$R" slot next --db "$AUT" --after 2026-12-07T00:00 --count 5 | grep DIGOIN)" ] || fail "autun sees digoin's plage"

# Offline: the desk and the secretariat book the same slot.
book() {  # DB SITE START PATIENT
  "$R" appt add --db "$1" --practitioner lemoine --site "$2" --start "$3" --duration 30 --patient "$4" --birth 1947-02-03 >/dev/null || fail "book $*"
}
book "$DIG" DIGOIN 2026-12-07T09:00 "Patient Accueil"
book "$SEC" DIGOIN 2026-12-07T09:00 "Patient Plateforme"
book "$SEC" AUTUN 2026-12-08T14:00 "Patient Autun"
# Autun cannot book at Digoin: outside its scope.
"$R" appt add --db "$AUT" --practitioner lemoine --site DIGOIN --start 2026-12-07T10:00 --duration 30 --patient X --birth 1950-01-01 >/dev/null 2>&1 && fail "autun booked at digoin"

# All three at once, then once more each.
sync "$SEC" & S1=$!; sync "$DIG" & S2=$!; sync "$AUT" & S3=$!
wait $S1 && wait $S2 && wait $S3 || fail "parallel syncs"
for db in "$SEC" "$DIG" "$AUT" "$SEC" "$DIG"; do sync "$db"; done

site_dump() {  # DB SITE -> canonical records of SITE held by DB
  "$R" dump --db "$1" --json | python3 -c '
import json,sys
recs=json.load(sys.stdin)
print(json.dumps([r for r in recs if r.get("site")==sys.argv[1]],sort_keys=True))' "$2"
}
for s in DIGOIN CDS71; do
  [ "$(site_dump "$SEC" $s)" = "$(site_dump "$DIG" $s)" ] || fail "$s differs between secretariat and digoin"
done
for s in AUTUN CDS71; do
  [ "$(site_dump "$SEC" $s)" = "$(site_dump "$AUT" $s)" ] || fail "$s differs between secretariat and autun"
done
[ "$(site_dump "$AUT" DIGOIN)" = "[]" ] || fail "autun holds digoin's records"
[ "$(site_dump "$DIG" AUTUN)" = "[]" ] || fail "digoin holds autun's records"
n() { "$R" dump --db "$1" --json | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["collection"]=="appointment" and r.get("site")==sys.argv[1]))' "$2"; }
[ "$(n "$SEC" DIGOIN)" = 2 ] && [ "$(n "$SEC" AUTUN)" = 1 ] && [ "$(n "$DIG" DIGOIN)" = 2 ] && [ "$(n "$AUT" AUTUN)" = 1 ] \
  || fail "appointment counts: sec $(n "$SEC" DIGOIN)/$(n "$SEC" AUTUN) digoin $(n "$DIG" DIGOIN) autun $(n "$AUT" AUTUN)"
for db in "$SEC" "$DIG"; do
  "$R" appt overlaps --db "$db" --date 2026-12-07 | grep -c "^chevauchement" | grep -qx 1 || fail "$db: overlap not listed"
  [ "$(first_slot "$db" DIGOIN)" = 2026-12-07T09:30 ] || fail "$db: next free slot $(first_slot "$db" DIGOIN), not 09:30"
done
[ -z "$("$R" appt overlaps --db "$AUT")" ] || fail "autun lists an overlap"
[ "$(first_slot "$AUT" AUTUN)" = 2026-12-08T14:30 ] || fail "autun next slot after sync: $(first_slot "$AUT" AUTUN)"
"$R" status --db "$SEC" | grep -q "sites tenus: AUTUN, CDS71, DIGOIN" || fail "status: $("$R" status --db "$SEC")"
grep -q " ERREUR\| error" "$W/hub.log" && fail "the hub logged an error"
echo "org e2e: ok (hub process, secretariat + 2 houses, offline double booking converged)"
