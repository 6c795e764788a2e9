#!/usr/bin/env bash
# usage: deb_install.sh BUILD_DIR
# Builds the three Debian packages with CPack from this build, installs them
# with apt on this machine (their declared dependencies must already be
# satisfiable: no download), runs each program's --version from /usr/bin,
# checks the files each package put in place, then removes them again.
# Needs root (CI runs as root): without it the test FAILS saying so.
set -euo pipefail
build=$1
[ "$(id -u)" -eq 0 ] || { echo "ÉCHEC: il faut être root pour installer les paquets (apt install ./*.deb)" >&2; exit 1; }
for p in cpack dpkg-shlibdeps apt-get dpkg-deb; do
  command -v $p >/dev/null || { echo "ÉCHEC: $p absent (tools/setup.sh l'installe)" >&2; exit 1; }
done
# A package left by an interrupted earlier run of this test is removed first
# (said aloud): apt would otherwise see nothing to install.
for p in relais relais-hub relais-kiosk; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "installed"; then
    echo "note: paquet $p déjà présent (run précédent interrompu?): retiré d'abord" >&2
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$p" >/dev/null
  fi
done
out=$(mktemp -d); chmod 755 "$out"
cleanup() {
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq relais relais-hub relais-kiosk >/dev/null 2>&1 || true
  rm -rf "$out"
}
trap cleanup EXIT
(cd "$build" && cpack -G DEB -B "$out" >"$out/cpack.log" 2>&1) || { cat "$out/cpack.log" >&2; echo "ÉCHEC: cpack" >&2; exit 1; }
debs=("$out"/relais_*.deb "$out"/relais-hub_*.deb "$out"/relais-kiosk_*.deb)
for d in "${debs[@]}"; do [ -f "$d" ] || { ls "$out" >&2; echo "ÉCHEC: paquet manquant: $d" >&2; exit 1; }; done
for d in "${debs[@]}"; do
  deps=$(dpkg-deb -f "$d" Depends)
  echo "$(basename "$d"): Depends: $deps"
  # shlibdeps must have declared the libraries the binary links.
  echo "$deps" | grep -q 'libc6' || { echo "ÉCHEC: $d ne déclare pas ses dépendances" >&2; exit 1; }
done
dpkg-deb -f "$out"/relais-hub_*.deb Depends | grep -q 'libgrpc++' || { echo "ÉCHEC: relais-hub ne dépend pas de libgrpc++" >&2; exit 1; }
chmod 644 "$out"/*.deb
# Nothing but our three packages may be needed: their dependencies are the
# runtime libraries the build already uses (a dry run lists what apt would
# install; `--no-download` cannot be used with local .deb files).
inst=$(apt-get install -s --no-install-recommends "${debs[@]}" 2>/dev/null | awk '/^Inst /{print $2}' | sort | paste -sd' ')
[ "$inst" = "relais relais-hub relais-kiosk" ] || { echo "ÉCHEC: apt installerait: $inst" >&2; exit 1; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "${debs[@]}" >"$out/apt.log" 2>&1 || { cat "$out/apt.log" >&2; echo "ÉCHEC: apt install ./*.deb" >&2; exit 1; }
for p in relais relais-hub relais-kiosk; do
  v=$(/usr/bin/$p --version) || { echo "ÉCHEC: /usr/bin/$p --version" >&2; exit 1; }
  echo "$v" | grep -Eq "^$p [0-9]+\.[0-9]+\.[0-9]+$" || { echo "ÉCHEC: $p --version a affiché « $v »" >&2; exit 1; }
  echo "installé: $v"
done
for f in /lib/systemd/system/relais-hub.service /lib/systemd/system/relais-sync.service \
         /lib/systemd/system/relais-sync.timer /lib/systemd/system/relais-kiosk@.service \
         /etc/default/relais-hub /etc/default/relais-sync; do
  [ -f "$f" ] || { echo "ÉCHEC: $f non installé" >&2; exit 1; }
done
grep -q '^ExecStart=/usr/bin/relais-hub ' /lib/systemd/system/relais-hub.service || { echo "ÉCHEC: unité du hub" >&2; exit 1; }
echo "paquets Debian: construits, installés, lancés, retirés"
