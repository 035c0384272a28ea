package evidence

import "testing"

func TestAllowed(t *testing.T) {
	src := []byte(`resource "a" "b" { # threatmap:allow
}
# threatmap:allow iac-public website assets
resource "c" "d" {}
x = 1 // threatmap:allow iam-wildcard-resource
y = 2
`)
	tests := []struct {
		line int
		rule string
		want bool
	}{
		{1, "iac-anything", true},          // bare marker on the line
		{2, "iac-anything", true},          // bare marker on the line above
		{4, "iac-public", true},            // named rule on the line above
		{4, "iac-encryption", false},       // another rule named there
		{5, "iam-wildcard-resource", true}, // named on the line
		{5, "iam-wildcard-action", false},
		{6, "iam-wildcard-resource", true}, // the line above names it
		{7, "iac-public", false},
		{0, "iac-public", false},
	}
	for _, tt := range tests {
		if got := Allowed(src, tt.line, tt.rule, "iac-", "iam-"); got != tt.want {
			t.Errorf("Allowed(line %d, %s) = %v, want %v", tt.line, tt.rule, got, tt.want)
		}
	}
	fs := []Finding{{File: "m.tf", Line: 4, Rule: "iac-public"}, {File: "m.tf", Line: 4, Rule: "iac-encryption"}, {File: "other.tf", Line: 1, Rule: "iac-public"}}
	if got := DropAllowed(fs, map[string][]byte{"m.tf": src}, "iac-"); len(got) != 2 || got[0].Rule != "iac-encryption" {
		t.Errorf("DropAllowed kept %v", got)
	}
}
