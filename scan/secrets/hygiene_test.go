package secrets

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/threatmap/threatmap/evidence"
)

func TestGitignore(t *testing.T) {
	tests := []struct {
		gitignore string
		rel       string
		want      bool
	}{
		{".env\n", ".env", true},
		{"/.env\n", ".env", true},
		{"/.env\n", "app/.env", false},
		{".env*\n!.env.example\n", ".env.example", false},
		{".env*\n!.env.example\n", ".env.local", true},
		{"*.env\n", "prod.env", true},
		{".env.*\n", ".env", false},
		{".env\n!.env\n", ".env", false},
		{"config/\n", "config/.env", true},
		{"**/secrets/\n", "a/secrets/.env", true},
		{"# .env\n", ".env", false},
		{"node_modules/\n", ".env", false},
	}
	for _, tt := range tests {
		if got := parseGitignore([]byte(tt.gitignore)).ignores(tt.rel); got != tt.want {
			t.Errorf(".gitignore %q, %s: ignored = %v, want %v", tt.gitignore, tt.rel, got, tt.want)
		}
	}
}

func TestIsEnvFile(t *testing.T) {
	for rel, want := range map[string]bool{
		".env": true, "app/.env.local": true, ".env.production": true, "prod.env": true,
		".env.example": false, ".env.sample": false, ".env.template": false, ".envrc": false, "env.go": false,
	} {
		if got := isEnvFile(rel); got != want {
			t.Errorf("isEnvFile(%q) = %v, want %v", rel, got, want)
		}
	}
}

func TestNameWords(t *testing.T) {
	tests := map[string]string{
		"apiKey":            "api key",
		"APIKey":            "api key",
		"hexECTestPKCS1Key": "hex ec test pkcs1 key",
		"DB_PASSWORD":       "db password",
		"client.secret-id":  "client secret id",
	}
	for in, want := range tests {
		got := ""
		for i, w := range nameWords(in) {
			if i > 0 {
				got += " "
			}
			got += w
		}
		if got != want {
			t.Errorf("nameWords(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHygieneNoteOnlyWhenEnvFilesAreUsed: a .gitignore without .env is a
// finding, at a real line, only in a tree that has a dotenv file or
// template; without .gitignore the note points at the env file.
func TestHygieneNoteOnlyWhenEnvFilesAreUsed(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // "file:line rule", or "" for no finding
	}{
		{"no env files", map[string]string{".gitignore": "node_modules/\n", "app.py": "print(1)\n"}, ""},
		{"template only", map[string]string{".gitignore": "node_modules/\n", ".env.example": "API_KEY=\n"}, ".gitignore:1 env-not-gitignored"},
		{"ignored", map[string]string{".gitignore": "dist/\n.env\n", ".env.example": "API_KEY=\n"}, ""},
		{"no gitignore", map[string]string{".git/HEAD": "ref: refs/heads/main\n", "config/.env.sample": "A=\n"}, "config/.env.sample:1 env-not-gitignored"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tc.files {
				p := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			set, err := New(Options{Git: "/nonexistent/git"}).Scan(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range set.Findings {
				got = append(got, fmt.Sprintf("%s:%d %s", f.File, f.Line, f.Rule))
			}
			if tc.want == "" && len(got) > 0 || tc.want != "" && (len(got) != 1 || got[0] != tc.want) {
				t.Errorf("findings %v, want %q", got, tc.want)
			}
			for _, o := range set.Observations {
				if o.Property == evidence.EnvIgnored && !o.Holds {
					t.Errorf("a failing env-ignored observation without env files: %+v", o)
				}
			}
		})
	}
}
