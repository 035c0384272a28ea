#!/bin/sh
# run.sh SUITES OUT: scan the public suites with threatmap, tfsec and
# actionlint and score each against the ground truth beside this script.
#
# SUITES holds one directory per suite, named owner+repo, each the checked-out
# tree of the commit the .tsv files name:
#   bridgecrewio+terragoat  bridgecrewio+cfngoat  RhinoSecurityLabs+cloudgoat
#   madhuakula+kubernetes-goat  step-security+github-actions-goat  zizmorcore+zizmor
# (for example: git -C MIRROR archive HEAD | tar -x -C SUITES/owner+repo).
# threatmap, tfsec and actionlint must be on PATH; the peers build from the
# Go module proxy:
#   GOBIN=/tmp/gobin go install github.com/aquasecurity/tfsec/cmd/tfsec@latest
#   GOBIN=/tmp/gobin go install github.com/rhysd/actionlint/cmd/actionlint@latest
set -eu
S=$(cd "$1" && pwd)
mkdir -p "$2"
O=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
score="python3 $here/score.py"

echo "== TerraGoat (terraform/aws)"
tg=$S/bridgecrewio+terragoat/terraform/aws
threatmap scan iac "$tg" -f json >"$O/tg-iac.json" || true
threatmap scan iam "$tg" -f json >"$O/tg-iam.json" || true
tfsec "$tg" --no-color --format json --soft-fail >"$O/tg-tfsec.json" 2>/dev/null || true
$score "$here/terragoat.tsv" --root "$tg" --threatmap "$O/tg-iac.json" "$O/tg-iam.json" --tfsec "$O/tg-tfsec.json" --unmatched

echo "== CfnGoat"
cg=$S/bridgecrewio+cfngoat
threatmap scan iac "$cg" -f json >"$O/cfn-iac.json" || true
threatmap scan iam "$cg" -f json >"$O/cfn-iam.json" || true
$score "$here/cfngoat.tsv" --root "$cg" --threatmap "$O/cfn-iac.json" "$O/cfn-iam.json" --unmatched

echo "== CloudGoat escalation paths"
aws=$S/RhinoSecurityLabs+cloudgoat/cloudgoat/scenarios/aws
args=""
for d in "$aws"/*/; do
	n=$(basename "$d")
	threatmap scan iam "$d" -f json >"$O/cloudgoat-$n.json" 2>/dev/null || true
	args="$args $n=$O/cloudgoat-$n.json"
done
# shellcheck disable=SC2086
$score "$here/cloudgoat-escalation.tsv" --root "$aws" --threatmap $args

echo "== Kubernetes Goat"
kg=$S/madhuakula+kubernetes-goat
threatmap scan iac "$kg" -f json >"$O/k8s-iac.json" || true
$score "$here/kubernetes-goat.tsv" --root "$kg" --threatmap "$O/k8s-iac.json" --unmatched

echo "== github-actions-goat"
ga=$S/step-security+github-actions-goat
threatmap scan workflows "$ga" -f json >"$O/gag.json" || true
(cd "$ga" && actionlint -format '{{json .}}' .github/workflows/*.y*ml >"$O/gag-actionlint.json" 2>/dev/null || true)
$score "$here/github-actions-goat.tsv" --root "$ga" --threatmap "$O/gag.json" --actionlint "$O/gag-actionlint.json" --unmatched

echo "== zizmor fixtures"
zt=$S/zizmorcore+zizmor/crates/zizmor/tests/integration/test-data
args=""
: >"$O/zizmor-actionlint.jsonl"
for f in $( (grep -v '^#' "$here/zizmor.tsv" | cut -f1; grep '^# negative' "$here/zizmor.tsv" | cut -f2) | sort -u); do
	[ -f "$zt/$f" ] || continue
	out=$O/zizmor-$(echo "$f" | tr / _).json
	(cd "$zt" && threatmap scan workflows "$f" -f json >"$out" 2>/dev/null || true)
	(cd "$zt" && actionlint -format '{{json .}}' "$f" >>"$O/zizmor-actionlint.jsonl" 2>/dev/null || true)
	echo >>"$O/zizmor-actionlint.jsonl"
	args="$args $(dirname "$f")=$out"
done
echo "-- every expected finding"
# shellcheck disable=SC2086
$score "$here/zizmor.tsv" --root "$zt" --threatmap $args --actionlint "$O/zizmor-actionlint.jsonl"
echo "-- regular persona, classes threatmap claims, permissions matched per file"
# shellcheck disable=SC2086
$score "$here/zizmor.tsv" --root "$zt" --threatmap $args --actionlint "$O/zizmor-actionlint.jsonl" \
	--only ' regular ' --skip-class dangerous-triggers self-hosted-runner --file-level excessive-permissions --unmatched
