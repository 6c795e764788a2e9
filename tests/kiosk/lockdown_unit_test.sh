#!/usr/bin/env bash
# The locked-down kiosk session (docs/kiosk.md « Borne verrouillée »): the
# packaged relais-kiosk@.service runs cage without -s (no console switching
# with Ctrl+Alt+Fn), the kiosk full screen, as the instance's own user in a
# login session, restarted whatever happens. Reads the unit as rendered for
# the package.   lockdown_unit_test.sh UNIT
set -euo pipefail
unit=$1
[[ -f "$unit" ]] || { echo "ÉCHEC: $unit absent (cmake n'a pas rendu les unités ?)"; exit 1; }
fail=0
need() { grep -qx -- "$1" "$unit" || { echo "ÉCHEC: $unit doit contenir « $1 »"; fail=1; }; }
for d in User=%i PAMName=login TTYPath=/dev/tty7 Conflicts=getty@tty7.service Restart=always \
         UMask=0077 NoNewPrivileges=yes; do
  need "$d"
done
exec_line=$(grep -E '^ExecStart=' "$unit")
[[ $(grep -cE '^ExecStart=' "$unit") == 1 ]] || { echo "ÉCHEC: une seule ligne ExecStart attendue"; fail=1; }
cage_args=${exec_line#ExecStart=}
cage_args=${cage_args%% -- *}   # cage's own options, before "--"
[[ "$cage_args" == */cage ]] || { echo "ÉCHEC: cage doit lancer la borne sans option (« $cage_args »)"; fail=1; }
[[ "$exec_line" == *" -- "*"/relais-kiosk --fullscreen "* ]] ||
  { echo "ÉCHEC: relais-kiosk --fullscreen attendu après « -- » : $exec_line"; fail=1; }
[[ $fail -eq 0 ]] && echo "ok: $unit verrouillée (cage sans -s, plein écran, Restart=always)"
exit $fail
