#!/usr/bin/env bash
# bench-threagile.sh replicates Threagile's example model to about 1,000
# and 3,000 technical assets, translates each into threatmap.yaml element
# for element (cmd/modelgen -threagile), and times `threatmap report -f
# json` against Threagile's own analysis (risks JSON only: no diagrams,
# PDF or Excel) on the same model, back to back.
#
# Usage: THREAGILE=/path/to/threagile THREAGILE_SRC=/path/to/threagile/source \
#          scripts/bench-threagile.sh [SIZES...]
#
# THREAGILE_SRC is a checkout of Threagile's source: its
# demo/example/threagile.yaml is the model replicated, and its directory is
# Threagile's app and plugin directory.
set -euo pipefail

: "${THREAGILE:?set THREAGILE to a threagile binary}"
: "${THREAGILE_SRC:?set THREAGILE_SRC to a Threagile source tree}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 3000)
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/threatmap" ./cmd/threatmap && go build -o "$tmp/modelgen" ./cmd/modelgen)

timed() {
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" > /dev/null 2>&1 || true
  tail -n 1 "$tmp/time" | awk '{ printf "%s %.2f %d\n", $1, $2 + $3, $4 / 1024 }'
}

for n in "${sizes[@]}"; do
  "$tmp/modelgen" -threagile "$THREAGILE_SRC/demo/example/threagile.yaml" -n "$n" -out "$tmp/gen$n"
  mkdir -p "$tmp/tm$n" "$tmp/tg$n" "$tmp/tgout$n"
  mv "$tmp/gen$n/threatmap.yaml" "$tmp/tm$n/"
  mv "$tmp/gen$n/threagile.yaml" "$tmp/tg$n/"
  read -r tw tc tm < <(timed "$tmp/threatmap" report -f json "$tmp/tm$n")
  read -r gw gc gm < <(timed "$THREAGILE" analyze-model --model "$tmp/tg$n/threagile.yaml" --output "$tmp/tgout$n" \
    --app-dir "$THREAGILE_SRC" --plugin-dir "$THREAGILE_SRC" --temp-dir "$tmp/tgtmp" \
    --skip-data-asset-diagram --skip-data-flow-diagram --skip-report-adoc --skip-report-pdf \
    --skip-risks-excel --skip-tags-excel)
  "$tmp/threatmap" report -f json "$tmp/tm$n" > "$tmp/tm$n.json" 2>/dev/null || true
  threats=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["threats"]))' "$tmp/tm$n.json")
  risks=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$tmp/tgout$n/risks.json")
  comps=$("$tmp/threatmap" validate "$tmp/tm$n" | sed -n 's/.*assets, \([0-9]*\) components.*/\1/p')
  printf '%s technical assets: threatmap %.2f s (cpu %.2f s, %d MiB, %d threats), threagile %.2f s (cpu %.2f s, %d MiB, %d risks): %.1fx wall, %.1fx cpu\n' \
    "$comps" "$tw" "$tc" "$tm" "$threats" "$gw" "$gc" "$gm" "$risks" \
    "$(awk -v g="$gw" -v t="$tw" 'BEGIN { print g / t }')" "$(awk -v g="$gc" -v t="$tc" 'BEGIN { print g / t }')"
done
