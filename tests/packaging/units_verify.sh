#!/usr/bin/env bash
# usage: units_verify.sh UNIT_DIR BIN_DIR RELAIS RELAIS_HUB RELAIS_KIOSK
# Runs `systemd-analyze verify` on every unit Relais ships. The units in
# UNIT_DIR name their binaries under BIN_DIR: this script links the built
# binaries there (and a stand-in for cage, which the kiosk package only
# recommends), so verify's "command is executable" check is a real one.
# Also checks the hardening the deployment guide promises, so a unit that
# loses it fails here.
set -euo pipefail
units=$1 bin=$2
command -v systemd-analyze >/dev/null || { echo "ÉCHEC: systemd-analyze absent (paquet systemd)" >&2; exit 1; }
mkdir -p "$bin"
ln -sf "$(realpath "$3")" "$bin/relais"; ln -sf "$(realpath "$4")" "$bin/relais-hub"
ln -sf "$(realpath "$5")" "$bin/relais-kiosk"
ln -sf /bin/true "$bin/cage"
fail=0
for u in relais-hub.service relais-sync.service relais-sync.timer relais-kiosk@.service; do
  [ -f "$units/$u" ] || { echo "ÉCHEC: unité $u absente de $units" >&2; exit 1; }
done
# A template is verified through an instance of it.
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp "$units"/relais-hub.service "$units"/relais-sync.service "$units"/relais-sync.timer "$work/"
cp "$units/relais-kiosk@.service" "$work/relais-kiosk@.service"
cd "$work"
out=$(systemd-analyze verify relais-hub.service relais-sync.service relais-sync.timer \
      relais-kiosk@borne.service 2>&1) || { echo "$out" >&2; echo "ÉCHEC: systemd-analyze verify" >&2; exit 1; }
# verify exits 0 on some warnings: treat any line about our units as a failure.
if echo "$out" | grep -E 'relais-(hub|sync|kiosk)' >&2; then
  echo "ÉCHEC: systemd-analyze verify signale des problèmes" >&2; fail=1
fi
need() {  # need UNIT DIRECTIVE=VALUE
  grep -qx "$2" "$1" || { echo "ÉCHEC: $1 doit contenir « $2 »" >&2; fail=1; }
}
for d in DynamicUser=yes StateDirectory=relais-hub ProtectSystem=strict NoNewPrivileges=yes \
         PrivateTmp=yes UMask=0077 LoadCredential=tls.key:/etc/relais/hub.key; do
  need relais-hub.service "$d"
done
for d in DynamicUser=yes ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes \
         LoadCredential=token:/etc/relais/replica.token; do
  need relais-sync.service "$d"
done
for d in PAMName=login ProtectSystem=strict NoNewPrivileges=yes Restart=always; do
  need relais-kiosk@.service "$d"
done
# No secret on a command line: tokens only through credentials.
if grep -E '^ExecStart=.*--token( |=)' ./*.service >&2; then
  echo "ÉCHEC: un jeton sur une ligne de commande" >&2; fail=1
fi
[ $fail -eq 0 ] && echo "unités systemd: vérifiées (4)"
exit $fail
