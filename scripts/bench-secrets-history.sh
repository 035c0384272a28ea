#!/usr/bin/env bash
# bench-secrets-history.sh times `threatmap scan secrets --git` against
# gitleaks on the full history of git repositories, back to back, and
# compares what each finds.
#
# Usage: GITLEAKS=/path/to/gitleaks scripts/bench-secrets-history.sh [RUNS] REPO...
#
# Each REPO is a normal (non-bare) clone with its full history. The two
# tools alternate, RUNS times each (default 3), and the best wall-clock time
# of each is kept; CPU time (user + system, children included) is shown for
# the same runs. Findings are compared as (commit, file, line) triples.
# GITLEAKS_CONFIG, when set, is passed on to gitleaks (its default rules,
# config/gitleaks.toml of its source, keep a repository's own .gitleaks.toml
# from allowlisting its history). The load average is printed before and
# after each repository: on a shared machine, wall-clock ratios move with it.
set -euo pipefail

runs=3
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then runs="$1"; shift; fi
: "${GITLEAKS:?set GITLEAKS to a gitleaks binary}"
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bin="$tmp/threatmap"
(cd "$root" && go build -o "$bin" ./cmd/threatmap)

# timed CMD... prints "wall cpu" in seconds.
timed() {
  /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$@" > /dev/null 2>&1 || true # exit 1 means findings
  tail -n 1 "$tmp/time" | awk '{ printf "%s %.2f\n", $1, $2 + $3 }'
}

for repo in "$@"; do
  echo "  load before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
  commits=$(git -C "$repo" rev-list --all | wc -l)
  git -C "$repo" cat-file --batch-all-objects --batch-check > /dev/null # warm the page cache
  tw=""; tc=""; gw=""; gc=""
  for _ in $(seq "$runs"); do
    read -r w c < <(timed "$bin" scan secrets --git --format json "$repo")
    if [ -z "$tw" ] || awk -v a="$w" -v b="$tw" 'BEGIN { exit !(a < b) }'; then tw="$w"; tc="$c"; fi
    read -r w c < <(timed "$GITLEAKS" git --no-banner --redact -l error -f json -r "$tmp/gl.json" "$repo")
    if [ -z "$gw" ] || awk -v a="$w" -v b="$gw" 'BEGIN { exit !(a < b) }'; then gw="$w"; gc="$c"; fi
  done
  "$bin" scan secrets --git --format json "$repo" > "$tmp/tm.json" 2>/dev/null || true
  python3 - "$tmp/tm.json" "$tmp/gl.json" <<'PY'
import json, sys
tm = {(f.get("commit", ""), f["file"], f["line"]) for f in json.load(open(sys.argv[1])).get("findings") or []}
gl = {(f["Commit"], f["File"], f["StartLine"]) for f in json.load(open(sys.argv[2]))}
print(f"  findings: threatmap {len(tm)}, gitleaks {len(gl)}, both {len(tm & gl)}")
PY
  echo "  load after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
  printf '%s: %d commits; threatmap %.2f s (cpu %.2f s), gitleaks %.2f s (cpu %.2f s): %.1fx wall, %.1fx cpu\n' \
    "$(basename "$repo")" "$commits" "$tw" "$tc" "$gw" "$gc" \
    "$(awk -v g="$gw" -v t="$tw" 'BEGIN { print g / t }')" "$(awk -v g="$gc" -v t="$tc" 'BEGIN { print g / t }')"
done
