#!/bin/sh
# speed.sh DIR [N]: wall time of `threatmap scan iac`, `threatmap scan iam`
# and tfsec on the same directory, alternating N times (default 9) so that
# machine load hits all alike; prints the medians and the ratios.
# Needs threatmap and tfsec on PATH (tfsec: GOBIN=/tmp/gobin go install
# github.com/aquasecurity/tfsec/cmd/tfsec@latest).
set -eu
dir=$1
n=${2:-9}
now() { date +%s%N; }
iac=""
iam=""
tf=""
i=0
while [ "$i" -lt "$n" ]; do
	t0=$(now)
	threatmap scan iac "$dir" -f json >/dev/null || true
	t1=$(now)
	threatmap scan iam "$dir" -f json >/dev/null || true
	t2=$(now)
	tfsec "$dir" --no-color --format json --soft-fail >/dev/null 2>&1 || true
	t3=$(now)
	iac="$iac $(((t1 - t0) / 1000000))"
	iam="$iam $(((t2 - t1) / 1000000))"
	tf="$tf $(((t3 - t2) / 1000000))"
	i=$((i + 1))
done
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
a=$(median "$iac")
b=$(median "$iam")
c=$(median "$tf")
echo "threatmap scan iac ms:$iac  median $a"
echo "threatmap scan iam ms:$iam  median $b"
echo "tfsec ms:$tf  median $c"
awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN { printf "tfsec / scan iac = %.1fx; tfsec / (scan iac + scan iam) = %.1fx\n", c / a, c / (a + b) }'
