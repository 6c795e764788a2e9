#!/usr/bin/env bash
# Seeds a demo replica for the kiosk: 4 practitioners, a day of appointments
# (every status, a walk-in, a double booking), plages, presence, shared costs with a
# reversal, a concurrent-edit conflict and staff PINs. Fictional data only.
#
#   tools/demo/seed_kiosk.sh DB [BIN_DIR] [DATE]
#     DB       replica file to create (must not exist)
#     BIN_DIR  directory holding relais, relais-kiosk and relais-demo-conflict
#              (default: build/, searched recursively)
#     DATE     YYYY-MM-DD of "today" (default: today in Paris)
#
# Demo PIN for every demo practitioner: 1234, secretariat: 2468 (demo data
# only; set real ones with `relais-kiosk --db DB --set-pin PRACTITIONER:CODE`
# or `--set-pin secretariat:CODE`).
set -euo pipefail

DB=${1:?usage: seed_kiosk.sh DB [BIN_DIR] [DATE]}
BIN_DIR=${2:-$(cd "$(dirname "$0")/../.." && pwd)/build}
DAY=${3:-$(TZ=Europe/Paris date +%F)}
MONTH=${DAY:0:7}

find_bin() {
  local p
  p=$(find "$BIN_DIR" -type f -name "$1" -perm -u+x 2>/dev/null | head -n1)
  [[ -n "$p" ]] || { echo "seed_kiosk: $1 introuvable sous $BIN_DIR" >&2; exit 2; }
  echo "$p"
}
RELAIS=$(find_bin relais)
KIOSK=$(find_bin relais-kiosk)
CONFLICT=$(find_bin relais-demo-conflict)

[[ ! -e "$DB" ]] || { echo "seed_kiosk: $DB existe déjà" >&2; exit 2; }
"$RELAIS" init --db "$DB" --site msp-vallee >/dev/null
# A demo site without hub: its walk-in ticket letter is set by hand (with a
# hub, each replica gets a distinct one at its first sync).
"$RELAIS" ticket prefix --db "$DB" --set A >/dev/null

pract() { "$RELAIS" practitioner add --db "$DB" --id "$1" --name "$2" --profession "$3" --share "$4" >/dev/null; }
pract dr-martin "Dr Claire Martin" "Médecin généraliste" 35
pract dr-nguyen "Dr Paul Nguyen" "Médecin généraliste" 35
pract ide-roux "Sophie Roux (IDE)" "Infirmière" 15
pract mk-benali "Karim Benali (MK)" "Masseur-kinésithérapeute" 15

# appt PRACT HH:MM MIN "NAME" BIRTH ROOM [KIND] -> prints the id
appt() {
  "$RELAIS" appt add --db "$DB" --practitioner "$1" --start "${DAY}T$2" --duration "$3" \
    --patient "$4" --birth "$5" --room "$6" --kind "${7:-consultation}" | cut -d' ' -f1
}
status() { "$RELAIS" appt set-status --db "$DB" --id "$1" --status "$2" >/dev/null; }

a=$(appt dr-martin 08:30 20 "DUPONT Marie" 1948-03-12 "Cabinet 1"); status "$a" done
a=$(appt dr-martin 09:00 20 "LEFÈVRE Jean" 1956-11-02 "Cabinet 1"); status "$a" done
a=$(appt dr-martin 09:30 20 "GARNIER Lucie" 1990-07-21 "Cabinet 1"); status "$a" no_show
a=$(appt dr-martin 10:00 20 "MOREAU Paul" 1962-01-30 "Cabinet 1"); status "$a" in_consultation
a=$(appt dr-martin 10:20 20 "ÉLOI Camille" 1985-05-14 "Cabinet 1"); status "$a" checked_in
appt dr-martin 10:40 20 "BERNARD Louise" 1937-09-08 "Cabinet 1" >/dev/null
appt dr-martin 11:00 20 "PETIT Hugo" 2015-04-02 "Cabinet 1" >/dev/null
appt dr-martin 14:00 20 "ROUSSEAU Anne" 1971-12-24 "Cabinet 1" >/dev/null

a=$(appt dr-nguyen 08:45 15 "FAURE Michel" 1950-06-17 "Cabinet 2"); status "$a" done
a=$(appt dr-nguyen 09:15 15 "CHEVALIER Inès" 1999-02-11 "Cabinet 2"); status "$a" cancelled
a=$(appt dr-nguyen 10:00 15 "BLANC Thomas" 1979-10-05 "Cabinet 2"); status "$a" checked_in
CONFLICT_ID=$(appt dr-nguyen 10:30 15 "ROBIN Émilie" 1988-08-19 "Cabinet 2")
appt dr-nguyen 10:35 15 "GIRARD Henri" 1944-03-03 "Cabinet 2" >/dev/null  # double booking
appt dr-nguyen 11:00 15 "MERCIER Léa" 2001-12-01 "Cabinet 2" >/dev/null
appt dr-nguyen 10:15 15 "PERRIN Jules" 1968-05-27 "Cabinet 2" snp >/dev/null  # walk-in

a=$(appt ide-roux 08:00 15 "LAMBERT Odette" 1931-01-19 "Salle de soins"); status "$a" done
appt ide-roux 10:30 15 "FONTAINE René" 1940-07-07 "Salle de soins" >/dev/null
appt ide-roux 11:30 30 "MARTIN Jeanne" 1934-02-28 "Domicile" visite_domicile >/dev/null

a=$(appt mk-benali 09:00 30 "ROCHE Antoine" 1983-09-09 "Salle kiné"); status "$a" done
appt mk-benali 10:30 30 "COLIN Sarah" 1995-04-16 "Salle kiné" >/dev/null
appt mk-benali 14:00 30 "VIDAL Marc" 1958-10-10 "Salle kiné" >/dev/null

presence() {
  "$RELAIS" presence set --db "$DB" --practitioner "$1" --date "$DAY" --half "$2" \
    --state "$3" ${4:+--room "$4"} ${5:+--replacement "$5"} >/dev/null
}
presence dr-martin am present "Cabinet 1"; presence dr-martin pm present "Cabinet 1"
presence dr-nguyen am present "Cabinet 2"; presence dr-nguyen pm remplace "Cabinet 2" "Dr Anaïs Leroy"
presence ide-roux am present "Salle de soins"; presence ide-roux pm en_visite
presence mk-benali am present "Salle kiné"; presence mk-benali pm absent

# Plages (every weekday, so the secretariat screen's search finds slots on
# any demo day): Dr Nguyen 09:00-12:00 in 15 min, Dr Martin 14:00-18:00 in
# 20 min, Sophie Roux home visits 14:00-17:00 in 30 min.
plage() {
  "$RELAIS" plage add --db "$DB" --practitioner "$1" --weekday "$2" --start "$3" --end "$4" \
    --kind "$5" --slot "$6" --from "$DAY" >/dev/null
}
for wd in 1 2 3 4 5 6 7; do
  plage dr-nguyen "$wd" 09:00 12:00 programmee 15
  plage dr-martin "$wd" 14:00 18:00 programmee 20
  plage ide-roux "$wd" 14:00 17:00 visite_domicile 30
done

ledger() {
  "$RELAIS" ledger add --db "$DB" --month "$MONTH" --amount "$1" --category "$2" \
    --payer "$3" --key "$4" --label "$5" ${6:+--reverses "$6"} | tail -n1 | awk '{print $1}'
}
ledger 2400.00 loyer dr-martin share "Loyer du bâtiment" >/dev/null
ledger 186.40 energie dr-nguyen equal "Électricité" >/dev/null
ledger 320.00 menage ide-roux equal "Ménage des locaux" >/dev/null
ledger 89.90 logiciel mk-benali equal "Logiciel d'agenda" >/dev/null
WRONG=$(ledger 45.00 fournitures dr-nguyen equal "Fournitures (saisie en double)")
ledger -45.00 fournitures dr-nguyen equal "Contre-passation : Fournitures (saisie en double)" "$WRONG" >/dev/null

# Two posts edited the same appointment's room offline. With
# RELAIS_SEED_CONFLICT_ID_OUT=FILE the caller makes that conflict itself between
# two real replicas (the id goes to FILE); otherwise a throwaway replica's write
# is merged here (a local conflict: the hub takes writes only from their author).
if [[ -n "${RELAIS_SEED_CONFLICT_ID_OUT:-}" ]]; then
  echo "$CONFLICT_ID" > "$RELAIS_SEED_CONFLICT_ID_OUT"
else
  "$CONFLICT" --db "$DB" --collection appointment --id "$CONFLICT_ID" --field room \
    --ours "Cabinet 1" --theirs "Cabinet 3" >/dev/null
fi

for p in dr-martin dr-nguyen ide-roux mk-benali; do
  "$KIOSK" --db "$DB" --set-pin "$p:1234" >/dev/null
done
"$KIOSK" --db "$DB" --set-pin secretariat:2468 >/dev/null  # demo secretariat PIN
echo "$DB"
