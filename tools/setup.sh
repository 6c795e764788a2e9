#!/usr/bin/env bash
# Installs every Debian 12 package Relais Santé uses (build, tests, demo).
# Safe to run any number of times: it only calls apt-get when something is
# missing. Needs root (or sudo).
set -euo pipefail

PACKAGES=(
  g++ make cmake pkg-config ccache git python3 openssl ca-certificates
  protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libgrpc++-dev
  libsqlite3-dev sqlite3 libcurl4-openssl-dev libssl-dev libzstd-dev
  nlohmann-json3-dev libcli11-dev libcpp-httplib-dev libgtest-dev
  libglfw3-dev libimgui-dev xvfb xauth fonts-dejavu-core
)
# Extra packages named by later features (browser tests, fuzzing) are listed
# in tools/setup-extra.txt, one per line, if that file exists.
EXTRA_FILE="$(dirname "$0")/setup-extra.txt"
if [ -f "$EXTRA_FILE" ]; then
  while read -r p; do
    [ -n "$p" ] && [ "${p#\#}" = "$p" ] && PACKAGES+=("$p")
  done <"$EXTRA_FILE"
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: tous les paquets sont déjà installés (${#PACKAGES[@]})"
else
  echo "setup: installation de ${#missing[@]} paquet(s): ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# PostgreSQL refuses to run as root: the test clusters (tests/pg,
# tools/pg_cluster.sh) run initdb/postgres as this unprivileged system user
# when started by root. The `main` cluster the Debian package creates on
# port 5432 is left alone (tests never use it).
if ! id relais-pg >/dev/null 2>&1; then
  $SUDO useradd --system --no-create-home --shell /usr/sbin/nologin relais-pg
  echo "setup: utilisateur système relais-pg créé"
fi
echo "setup: terminé"
