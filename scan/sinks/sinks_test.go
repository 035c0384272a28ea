package sinks

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/wantfile"
)

// TestFixtures runs the scanner over each fixture tree and compares its
// findings with the want annotations: a missing finding and an unexpected
// one both fail.
func TestFixtures(t *testing.T) {
	dirs, err := filepath.Glob("testdata/cases/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want, err := wantfile.Read(dir)
			if err != nil {
				t.Fatal(err)
			}
			set, err := New().Scan(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			msgs := map[string]string{}
			for _, f := range set.Findings {
				k := wantfile.Key(f.File, f.Line, f.Rule)
				got[k]++
				msgs[k] = f.Message
			}
			// A read of a key that bypasses authorization is an
			// observation: annotated privileged-key-server where it holds,
			// privileged-key-client where it does not.
			for _, o := range set.Observations {
				rule := "privileged-key-server"
				if !o.Holds {
					rule = "privileged-key-client"
				}
				k := wantfile.Key(o.File, o.Line, rule)
				got[k]++
				msgs[k] = o.Detail
			}
			for _, d := range wantfile.Diff(want, got, msgs) {
				t.Error(d)
			}
		})
	}
}

// TestFindingFields checks what a finding carries besides its position:
// the sink, the traced source, the property and the enclosing function.
func TestFindingFields(t *testing.T) {
	set, err := New().Scan(context.Background(), "testdata/cases/py")
	if err != nil {
		t.Fatal(err)
	}
	var sqli, job, called *evidence.Finding
	for i, f := range set.Findings {
		switch {
		case f.File == "app.py" && f.Line == 110:
			called = &set.Findings[i]
		case f.File == "app.py" && f.Line == 24:
			sqli = &set.Findings[i]
		case f.File == "app.py" && f.Line == 97:
			job = &set.Findings[i]
		}
	}
	if sqli == nil || job == nil || called == nil {
		t.Fatalf("findings missing: %+v", set.Findings)
	}
	if sqli.Sink != "cur.execute" || sqli.Source != "request.args" || sqli.Property != evidence.NoSQLInjection || sqli.Severity != threatmap.High {
		t.Errorf("sqli = %+v", sqli)
	}
	if sqli.Function != "users" || sqli.FunctionLine != 19 || sqli.FunctionHead != 20 || sqli.FunctionEnd != 32 {
		t.Errorf("function range = %s %d..%d..%d, want users 19..20..32", sqli.Function, sqli.FunctionLine, sqli.FunctionHead, sqli.FunctionEnd)
	}
	// A helper reached from a handler carries the handler's source and
	// range, so that it links to the handler's route.
	if called.Source != "request.args" || called.Severity != threatmap.Critical || called.Function != "archive" {
		t.Errorf("helper finding: source %q severity %v function %q, want request.args, critical, archive", called.Source, called.Severity, called.Function)
	}
	if job.Source != "" || job.Severity != threatmap.Medium {
		t.Errorf("a value of unknown origin: source %q severity %v, want none and medium", job.Source, job.Severity)
	}
}

// TestSymlinkOutOfTree checks that a link to a file outside the scanned
// tree is not followed.
func TestSymlinkOutOfTree(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "evil.py"), []byte("import os\nos.system('x' + y)\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if err := os.Symlink(filepath.Join(outside, "evil.py"), filepath.Join(root, "link.py")); err != nil {
		t.Skip("symlinks unsupported:", err)
	}
	set, err := New().Scan(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Findings) != 0 {
		t.Fatalf("followed a link out of the tree: %+v", set.Findings)
	}
}

// TestRulesHaveProperties checks that every rule but parse-error names the
// property its findings refute, and that ids are unique.
func TestRulesHaveProperties(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("duplicate rule %s", r.ID)
		}
		seen[r.ID] = true
		if r.Title == "" || r.Description == "" {
			t.Errorf("%s: missing title or description", r.ID)
		}
		if r.ID != RuleParseError && r.Property == "" {
			t.Errorf("%s: no property", r.ID)
		}
	}
}

func TestSecretEnvName(t *testing.T) {
	for _, tc := range []struct {
		rest string
		want bool
	}{
		{"OPENAI_API_KEY", true},
		{"SUPABASE_SERVICE_ROLE_KEY", true},
		{"STRIPE_SECRET_KEY", true},
		{"ADMIN_PASSWORD", true},
		{"DATABASE_URL", true},
		{"TELEGRAM_BOT_TOKEN", true},
		{"GITHUB_TOKEN", true},
		{"SUPABASE_ANON_KEY", false},
		{"STRIPE_PUBLISHABLE_KEY", false},
		{"FIREBASE_API_KEY", false},
		{"MAPBOX_ACCESS_TOKEN", false},
		{"GITHUB_CLIENT_ID", false},
		{"OPENAI_BASE_URL", false},
		{"API_URL", false},
		{"VAPID_PUBLIC_KEY", false},
	} {
		if got := secretEnvName(tc.rest); got != tc.want {
			t.Errorf("secretEnvName(%q) = %v, want %v", tc.rest, got, tc.want)
		}
	}
}
