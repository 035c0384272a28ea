package cli

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoOutputRevealsASecret takes the credentials committed in the docqa
// example's .env and checks that no output of report or check, in any
// format, carries one of them.
func TestNoOutputRevealsASecret(t *testing.T) {
	f, err := os.Open(filepath.Join(repoRoot(t), "examples", "docqa", ".env"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var secrets []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		_, v, ok := strings.Cut(sc.Text(), "=")
		if ok && len(v) >= 16 && !strings.HasPrefix(sc.Text(), "#") && !strings.HasPrefix(sc.Text(), "UPLOAD") {
			secrets = append(secrets, v)
		}
	}
	if len(secrets) < 4 {
		t.Fatalf("read %d secrets from .env", len(secrets))
	}
	// The password inside the database URL is a secret too.
	for _, s := range secrets {
		if u, _, ok := strings.Cut(strings.TrimPrefix(s, "postgres://docqa:"), "@"); ok {
			secrets = append(secrets, u)
		}
	}
	for _, args := range [][]string{
		{"report", "examples/docqa"},
		{"report", "--all", "examples/docqa"},
		{"report", "--format", "json", "examples/docqa"},
		{"report", "--format", "sarif", "examples/docqa"},
		{"report", "--format", "html", "examples/docqa"},
		{"report", "--format", "svg", "examples/docqa"},
		{"check", "examples/docqa"},
		{"check", "--format", "json", "examples/docqa"},
		{"check", "--format", "sarif", "examples/docqa"},
		{"check", "--format", "github", "examples/docqa"},
		{"scan", "secrets", "--format", "json", "examples/docqa"},
		{"scan", "iac", "--format", "json", "examples/docqa"},
	} {
		out, errOut, _ := run(t, args...)
		for _, s := range secrets {
			if strings.Contains(out, s) || strings.Contains(errOut, s) {
				t.Errorf("%v reveals a secret (%.6s...)", args, s)
			}
		}
	}
	// Output written to a file with -o passes the same masking.
	for _, format := range []string{"html", "md", "json"} {
		file := filepath.Join(t.TempDir(), "report."+format)
		if _, errOut, code := run(t, "report", "--format", format, "-o", file, "examples/docqa"); code != ExitOK {
			t.Fatalf("report -o: exit %d: %s", code, errOut)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if strings.Contains(string(data), s) {
				t.Errorf("report -f %s -o FILE reveals a secret (%.6s...)", format, s)
			}
		}
	}
	out, _, _ := run(t, "scan", "secrets", "--reveal", "--format", "json", "examples/docqa")
	if !strings.Contains(out, secrets[0]) {
		t.Error("--reveal does not show the secret")
	}
}
