#!/usr/bin/env bash
# bench-secrets-gosrc.sh measures `threatmap scan secrets` throughput on the
# Go distribution's own source tree, which every machine with Go has.
#
# Usage: scripts/bench-secrets-gosrc.sh [RUNS]
#
# Set GITLEAKS to the path of a gitleaks binary you already have to time it
# on the same tree in the same run (gitleaks dir, default configuration).
# The tree is read once before timing so both tools see a warm page cache,
# and a plain read of every file (cat, one process per CPU, as threatmap
# reads with one worker per CPU) is timed in the same run as the floor.
set -euo pipefail

runs="${1:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$(go env GOROOT)/src"
bin="$(mktemp -d)/threatmap"
trap 'rm -rf "$(dirname "$bin")"' EXIT

(cd "$root" && go build -o "$bin" ./cmd/threatmap)
bytes=$(find "$src" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
files=$(find "$src" -type f | wc -l)
cat $(find "$src" -type f) > /dev/null 2>&1 || true # warm the page cache

# best_of RUNS CMD... prints the fastest wall-clock time in seconds.
best_of() {
  local n="$1"; shift
  local best=""
  for _ in $(seq "$n"); do
    local start end t
    start=$(date +%s.%N)
    "$@" > /dev/null 2>&1 || true # exit 1 means findings, not failure
    end=$(date +%s.%N)
    t=$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best="$t"; fi
  done
  echo "$best"
}

mb=$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')
printf 'tree: %s (%d files, %.1f MiB), %d CPUs, best of %d runs\n' "$src" "$files" "$mb" "$(nproc)" "$runs"
readall() { find "$src" -type f -print0 | xargs -0 -P "$(nproc)" -n 256 cat > /dev/null; }
r=$(best_of "$runs" readall)
printf 'plain read: %.2f s, %.1f MiB/s\n' "$r" "$(awk -v m="$mb" -v t="$r" 'BEGIN { print m / t }')"
findings=$("$bin" scan secrets --format json "$src" | grep -c '"rule":' || true)
t=$(best_of "$runs" "$bin" scan secrets --format json "$src")
printf 'threatmap: %.2f s, %.1f MiB/s, %d findings, %.2fx the plain read\n' "$t" "$(awk -v m="$mb" -v t="$t" 'BEGIN { print m / t }')" "$findings" "$(awk -v r="$r" -v t="$t" 'BEGIN { print t / r }')"

if [ -n "${GITLEAKS:-}" ]; then
  report="$(dirname "$bin")/gitleaks.json"
  "$GITLEAKS" dir "$src" --no-banner --redact -l error -f json -r "$report" > /dev/null 2>&1 || true
  gfindings=$(grep -c '"RuleID":' "$report" || true)
  g=$(best_of "$runs" "$GITLEAKS" dir "$src" --no-banner --redact -l error -f json -r "$report")
  printf 'gitleaks:  %.2f s, %.1f MiB/s, %d findings\n' "$g" "$(awk -v m="$mb" -v t="$g" 'BEGIN { print m / t }')" "$gfindings"
  printf 'ratio: threatmap is %.1fx gitleaks\n' "$(awk -v g="$g" -v t="$t" 'BEGIN { print g / t }')"
fi
