#!/usr/bin/env bash
# Headless-browser test of the funder dashboard.
#   browser_test.sh <report-demo binary> <chromium or ""> <screenshot.png>
# Starts report-demo on an ephemeral loopback port, loads the page in headless
# Chromium, checks that the rendered DOM shows the numbers report-demo
# announced (CHECK lines) and the SVG charts, and saves a screenshot.
# Exit 77 (ctest SKIP) if Chromium is missing: never a silent pass.
set -u
demo=$1 chromium=${2:-} shot=$3
if [[ -z "$chromium" || ! -x "$chromium" ]]; then
  chromium=$(command -v chromium || command -v chromium-browser || true)
fi
if [[ -z "$chromium" ]]; then
  echo "SKIP: chromium introuvable (apt-get install -y chromium)"
  exit 77
fi
work=$(mktemp -d)
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
"$demo" --port 0 --seconds 120 >"$work/demo.out" 2>"$work/demo.err" &
pid=$!
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^URL: //p' "$work/demo.out")
  [[ -n "$url" ]] && break
  sleep 0.1
done
if [[ -z "$url" ]]; then
  echo "FAIL: report-demo n'a pas donné d'URL"; cat "$work/demo.err"; exit 1
fi
case "$url" in http://127.0.0.1:*) ;; *) echo "FAIL: URL non locale: $url"; exit 1;; esac
browser() {
  timeout 90 "$chromium" --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update --disable-sync \
    --no-first-run --user-data-dir="$work/profile-$1" "${@:2}" "$url" \
    2>>"$work/chromium.err"
}
browser dom --dump-dom >"$work/dom.html"
if ! grep -q "Relais Santé — activité des maisons de santé" "$work/dom.html"; then
  echo "FAIL: page non rendue"; tail -5 "$work/chromium.err"; exit 1
fi
fails=0
checks=0
while read -r _ site row table col display; do
  display=${display//</\&lt;}
  pattern="data-site=\"$site\" data-row=\"$row\" data-table=\"$table\" data-col=\"$col\">$display<"
  checks=$((checks + 1))
  if ! grep -qF "$pattern" "$work/dom.html"; then
    echo "FAIL: absent du DOM: $pattern"; fails=$((fails + 1))
  fi
done < <(grep '^CHECK ' "$work/demo.out")
[[ $checks -ge 6 ]] || { echo "FAIL: trop peu de contrôles ($checks)"; exit 1; }
grep -q '&lt; 11' "$work/dom.html" || { echo "FAIL: aucune cellule « < 11 »"; fails=$((fails + 1)); }
[[ $(grep -o '<svg' "$work/dom.html" | wc -l) -ge 4 ]] || { echo "FAIL: graphiques SVG absents"; fails=$((fails + 1)); }
for secret in PATIENT Fictif 1960-01-01 QRS234 pat-aubrac; do
  if grep -q "$secret" "$work/dom.html"; then echo "FAIL: '$secret' dans la page"; fails=$((fails + 1)); fi
done
mkdir -p "$(dirname "$shot")"
rm -f "$shot"
browser shot --screenshot="$shot" --window-size=1280,900 >/dev/null
if [[ ! -s "$shot" ]] || [[ $(head -c 4 "$shot" | od -An -c | tr -d ' ') != "211PNG" ]]; then
  echo "FAIL: capture d'écran absente: $shot"; fails=$((fails + 1))
fi
[[ $fails -eq 0 ]] || exit 1
echo "OK: $checks cellules vérifiées dans le DOM, capture: $shot"
