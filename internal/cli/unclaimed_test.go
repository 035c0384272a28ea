package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A build role defined in CloudFormation that can grant itself rights: the
// iam scanner reports it critical. While the model names no identity for
// it, no rule takes the finding as evidence; the page must still show it
// and check must fail on it, unless the policy turns that off.
const buildRoleTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  BuildRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: codebuild.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: Build
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [iam:PutRolePolicy, iam:AttachRolePolicy]
                Resource: "*"
`

const unclaimedModel = `system: {name: shop, owner: ana, reviewed: 2026-10-01, review_every: 90d}
components:
  - {id: app, kind: service, path: .}
%s`

func TestUnclaimedFindingsReachPageAndGate(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "build-role.yaml"), []byte(buildRoleTemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	write := func(rest string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "threatmap.yaml"), []byte(strings.Replace(unclaimedModel, "%s", rest, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hasUnclaimed := func(doc checkJSON) bool {
		for _, p := range doc.Problems {
			if p.Kind == "unclaimed-finding" && strings.HasPrefix(p.ID, "iam:iam-privilege-escalation:") {
				return true
			}
		}
		return false
	}

	write("")
	doc, code := checkProblems(t, dir, nil)
	if code != ExitFindings || !hasUnclaimed(doc) {
		t.Fatalf("a critical iam finding no element names passed the gate: %+v", doc)
	}
	page, _, _ := runIn(t, dir, nil, "report", ".")
	if !strings.Contains(page, "### Findings no threat covers") || !strings.Contains(page, "`iam-privilege-escalation` (scan iam): build-role.yaml:") {
		t.Errorf("the page does not show the unclaimed finding:\n%s", page)
	}

	write("policy: {unclaimed_findings: false}\n")
	if doc, _ := checkProblems(t, dir, nil); hasUnclaimed(doc) {
		t.Errorf("policy unclaimed_findings: false still fails on it: %+v", doc)
	}

	// Once the model names the role, the identity rules judge it and the
	// finding is a threat's evidence, not an unclaimed line.
	write("identities:\n  - {id: build, kind: iam-role, name: BuildRole, refs: [BuildRole]}\n")
	doc, _ = checkProblems(t, dir, nil)
	if hasUnclaimed(doc) || !doc.has("open-threat", "privilege-escalation-path@build") {
		t.Errorf("with the role modelled, want the privilege-escalation row and no unclaimed finding: %+v", doc)
	}
	page, _, _ = runIn(t, dir, nil, "report", ".")
	if strings.Contains(page, "`iam-privilege-escalation` (scan iam)") {
		t.Errorf("a claimed finding is still listed as unclaimed:\n%s", page)
	}
}
