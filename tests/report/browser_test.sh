#!/usr/bin/env bash
# Headless-browser test of the funder dashboard.
#   browser_test.sh <report-demo binary> <screenshot.png>
# Starts `report-demo --fixture` (tools/report_demo/fixture.h) on an
# ephemeral loopback port, loads the page in headless Chromium, checks that
# the rendered DOM shows the figures counted BY HAND below (never by the
# report code under test), the "< 11" masks and the SVG charts, and saves a
# screenshot. Without chromium (or chromium-browser) in PATH: FAILS, saying so.
set -u
demo=$1 shot=$2
chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$chromium" ]]; then
  echo "ÉCHEC: prérequis manquant: chromium introuvable dans PATH (apt-get install -y chromium / tools/setup.sh)"
  exit 1
fi
work=$(mktemp -d)
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
# Two one-time login links (the page carries no token): one per browser run.
"$demo" --fixture --port 0 --seconds 120 --codes 2 >"$work/demo.out" 2>"$work/demo.err" &
pid=$!
url=""
for _ in $(seq 1 100); do
  urls=$(sed -n 's/^URL: //p' "$work/demo.out")
  url=$(sed -n 2p <<<"$urls")
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
case "$url" in *token=*) echo "FAIL: jeton dans l'URL: $url"; exit 1;; esac
url=$(sed -n 1p <<<"$urls")
browser dom --dump-dom >"$work/dom.html"
if ! grep -q "Relais Santé — activité des maisons de santé" "$work/dom.html"; then
  echo "FAIL: page non rendue"; tail -5 "$work/chromium.err"; exit 1
fi
# Expected cells, counted by hand from the fixture (fixture.h), dashboard for
# 2026-01..2026-06, "now" 2026-07-01, monthly rows (every non-empty month has
# >= 11 appointments and >= 11 done, so no quarterly roll-up).
#   rdv_total = done + no_show + cancelled (+ 0 pending: all in the past)
#   aubrac  01: 20 + 2 + 3 = 25      02: 15 + 5 + 4 = 24
#           total: done 20+15 = 35, rdv 25+24 = 49, no_show 2+5 = 7, cancelled 3+4 = 7
#   causses 01: 12 + 1 + 2 = 15      02: 30 + 0 + 0 = 30
#           total: done 12+30 = 42, rdv 15+30 = 45, no_show 1, cancelled 2
#   synthese: rdv 49+45 = 94, done 35+42 = 77, no_show 7+1 = 8, cancelled 7+2 = 9
# Secrecy (docs/reporting.md §Publications, issue #20): a count 1..10 shows
# "< 11" (never its number). Complementary masks are chosen jointly over the
# year's release (hypercubes), so a large cell may show "s" instead of its
# number: a line whose display is a number passes if the page shows exactly
# that number or "s"; a "< 11" line must show "< 11". At least 8 cells must
# show their hand-counted number. 2026-01..2026-06 is no released period,
# so a total row adds the shown months and is "s" where one is masked.
# Fields: data-site data-row data-table data-col display
expected='
aubrac 2026-01 site:aubrac rdv_total 25
aubrac 2026-01 site:aubrac honores 20
aubrac 2026-01 site:aubrac non_venus < 11
aubrac 2026-01 site:aubrac annules < 11
aubrac 2026-02 site:aubrac rdv_total 24
aubrac 2026-02 site:aubrac honores 15
aubrac 2026-03 site:aubrac rdv_total 0
aubrac total site:aubrac rdv_total 49
aubrac total site:aubrac honores 35
aubrac total site:aubrac non_venus s
causses 2026-01 site:causses rdv_total 15
causses 2026-01 site:causses honores 12
causses 2026-02 site:causses rdv_total 30
causses 2026-02 site:causses honores 30
causses 2026-02 site:causses non_venus 0
causses 2026-02 site:causses annules 0
causses total site:causses rdv_total 45
causses total site:causses honores 42
aubrac total synthese rdv_total 49
causses total synthese honores 42
total total synthese rdv_total 94
total total synthese honores 77
total total synthese non_venus s
total total synthese annules s
'
fails=0
checks=0
shown=0
while read -r site row table col display; do
  [[ -z "$site" ]] && continue
  display=${display//</\&lt;}
  pattern="data-site=\"$site\" data-row=\"$row\" data-table=\"$table\" data-col=\"$col\">$display<"
  masked="data-site=\"$site\" data-row=\"$row\" data-table=\"$table\" data-col=\"$col\">s<"
  checks=$((checks + 1))
  if [[ "$display" =~ ^[0-9]+$ ]] && grep -qF "$pattern" "$work/dom.html"; then
    shown=$((shown + 1))
  elif [[ "$display" =~ ^[0-9]+$ ]] && grep -qF "$masked" "$work/dom.html"; then
    :
  elif ! grep -qF "$pattern" "$work/dom.html"; then
    got=$(grep -o "data-site=\"$site\" data-row=\"$row\" data-table=\"$table\" data-col=\"$col\">[^<]*<" "$work/dom.html" | head -1)
    echo "FAIL: attendu $site/$row/$table/$col = « $display », page: ${got:-cellule absente}"
    fails=$((fails + 1))
  fi
done <<<"$expected"
[[ $checks -eq 24 ]] || { echo "FAIL: $checks contrôles lus au lieu de 24"; exit 1; }
[[ $shown -ge 8 ]] || { echo "FAIL: $shown nombres affichés seulement (8 attendus au moins)"; fails=$((fails + 1)); }
grep -q '&lt; 11' "$work/dom.html" || { echo "FAIL: aucune cellule « < 11 »"; fails=$((fails + 1)); }
[[ $(grep -o '<svg' "$work/dom.html" | wc -l) -ge 3 ]] || { echo "FAIL: graphiques SVG absents (synthèse + 2 sites attendus)"; fails=$((fails + 1)); }
for secret in PATIENT Fictif 1960-01-01 QRS234 fx-pat; do
  if grep -q "$secret" "$work/dom.html"; then echo "FAIL: '$secret' dans la page"; fails=$((fails + 1)); fi
done
mkdir -p "$(dirname "$shot")"
rm -f "$shot"
url=$(sed -n 2p <<<"$urls")
browser shot --screenshot="$shot" --window-size=1280,900 >/dev/null
if [[ ! -s "$shot" ]] || [[ $(head -c 4 "$shot" | od -An -c | tr -d ' ') != "211PNG" ]]; then
  echo "FAIL: capture d'écran absente: $shot"; fails=$((fails + 1))
fi
[[ $fails -eq 0 ]] || exit 1
echo "OK: $checks cellules vérifiées dans le DOM ($shown nombres affichés), capture: $shot"
