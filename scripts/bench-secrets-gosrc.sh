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
# The commands take turns, and the best time of each is reported.
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

# elapsed CMD... runs CMD once and prints its wall-clock time in seconds.
elapsed() {
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null 2>&1 || true # exit 1 means findings, not failure
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { print e - s }'
}

# lower A B prints the smaller of two times (B if A is empty).
lower() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }

mb=$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')
printf 'tree: %s (%d files, %.1f MiB), %d CPUs, best of %d alternating runs\n' "$src" "$files" "$mb" "$(nproc)" "$runs"
readall() { find "$src" -type f -print0 | xargs -0 -P "$(nproc)" -n 256 cat > /dev/null; }
report="$(dirname "$bin")/gitleaks.json"
findings=$("$bin" scan secrets --format json "$src" 2> /dev/null | grep -c '"rule":' || true)
# The plain read, threatmap and gitleaks take turns, so that a change in
# the machine's load during the run weighs on all of them alike.
r="" t="" g=""
for _ in $(seq "$runs"); do
  r=$(lower "$r" "$(elapsed readall)")
  t=$(lower "$t" "$(elapsed "$bin" scan secrets --format json "$src")")
  if [ -n "${GITLEAKS:-}" ]; then
    g=$(lower "$g" "$(elapsed "$GITLEAKS" dir "$src" --no-banner --redact -l error -f json -r "$report")")
  fi
done
printf 'plain read: %.2f s, %.1f MiB/s\n' "$r" "$(awk -v m="$mb" -v t="$r" 'BEGIN { print m / t }')"
printf 'threatmap: %.2f s, %.1f MiB/s, %d findings, %.2fx the plain read\n' "$t" "$(awk -v m="$mb" -v t="$t" 'BEGIN { print m / t }')" "$findings" "$(awk -v r="$r" -v t="$t" 'BEGIN { print t / r }')"

if [ -n "${GITLEAKS:-}" ]; then
  gfindings=$(grep -c '"RuleID":' "$report" || true)
  printf 'gitleaks:  %.2f s, %.1f MiB/s, %d findings\n' "$g" "$(awk -v m="$mb" -v t="$g" 'BEGIN { print m / t }')" "$gfindings"
  printf 'ratio: threatmap is %.1fx gitleaks\n' "$(awk -v g="$g" -v t="$t" 'BEGIN { print g / t }')"
fi
