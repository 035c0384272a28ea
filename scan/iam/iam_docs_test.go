package iam

import (
	"os"
	"strings"
	"testing"
)

// TestDocsListEveryRule keeps docs/infrastructure.md in step with the rule
// metadata: every rule appears with its description word for word.
func TestDocsListEveryRule(t *testing.T) {
	doc, err := os.ReadFile("../../docs/infrastructure.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Rules() {
		if !strings.Contains(string(doc), "`"+r.ID+"`") || !strings.Contains(string(doc), r.Description) {
			t.Errorf("docs/infrastructure.md lacks rule %s or its current description", r.ID)
		}
	}
}
