package cli_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/internal/cli"
)

// secretsToken returns a deterministic random string of n characters, so
// that no token-shaped literal sits in this file.
func secretsToken(seed uint64, n int) string {
	const set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	r := rand.New(rand.NewPCG(seed, 99))
	b := make([]byte, n)
	for i := range b {
		b[i] = set[r.IntN(len(set))]
	}
	return string(b)
}

func secretsRun(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := (&cli.Command{Stdout: &out, Stderr: &errOut, Dir: dir}).Main(append([]string{"scan", "secrets"}, args...))
	return code, out.String(), errOut.String()
}

type secretsDoc struct {
	Findings     []evidence.Finding     `json:"findings"`
	Observations []evidence.Observation `json:"observations"`
}

func secretsJSON(t *testing.T, out string) secretsDoc {
	t.Helper()
	var doc secretsDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	return doc
}

func secretsWrite(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// secretsGit runs git in dir with a fixed identity and no user config.
func secretsGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	cmd := exec.Command("git", append([]string{"-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestScanSecretsWorkTreeContract(t *testing.T) {
	dir := t.TempDir()
	key := "ghp_" + secretsToken(1, 36)
	secretsWrite(t, dir, "src/app.py", "import os\n\nGITHUB_TOKEN = \""+key+"\"\n")
	secretsWrite(t, dir, ".gitignore", ".env\n")

	code, out, errOut := secretsRun(t, dir, "--format", "json", ".")
	if code != cli.ExitFindings {
		t.Fatalf("exit %d, want 1; stderr %s", code, errOut)
	}
	doc := secretsJSON(t, out)
	if len(doc.Findings) != 1 {
		t.Fatalf("got %d findings, want 1: %s", len(doc.Findings), out)
	}
	f := doc.Findings[0]
	if f.Scanner != "secrets" || f.Rule != "github-pat" || f.File != "src/app.py" || f.Line != 3 || f.Column != 17 {
		t.Errorf("finding = %+v", f)
	}
	if f.Property != evidence.NoSecretsInRepo || f.Fingerprint == "" || f.Commit != "" {
		t.Errorf("finding = %+v", f)
	}
	if f.Secret == key || !strings.HasPrefix(f.Secret, "ghp_") || !strings.Contains(f.Secret, "***") {
		t.Errorf("secret not masked: %q", f.Secret)
	}
	var envIgnored bool
	for _, o := range doc.Observations {
		if o.Property == evidence.EnvIgnored && o.Holds {
			envIgnored = true
		}
		if o.Property == evidence.NoSecretsInRepo && o.Holds {
			t.Errorf("no-secrets-in-repo holds despite a finding")
		}
	}
	if !envIgnored {
		t.Errorf("no env-ignored observation: %s", out)
	}

	// The fingerprint does not move when lines are added above the secret.
	secretsWrite(t, dir, "src/app.py", "import os\nimport sys\n\n\nGITHUB_TOKEN = \""+key+"\"\n")
	_, out, _ = secretsRun(t, dir, "--format", "json", ".")
	moved := secretsJSON(t, out).Findings[0]
	if moved.Line != 5 || moved.Fingerprint != f.Fingerprint {
		t.Errorf("after insert: line %d fingerprint %s, want 5 and %s", moved.Line, moved.Fingerprint, f.Fingerprint)
	}
}

func TestScanSecretsNeverPrintsSecretUnlessRevealed(t *testing.T) {
	dir := t.TempDir()
	secrets := []string{
		"ghp_" + secretsToken(2, 36),
		"sk_live_" + secretsToken(3, 32),
		"xoxb-123456789012-1234567890123-" + secretsToken(4, 24),
	}
	secretsWrite(t, dir, "config.js", "const a = \""+secrets[0]+"\";\nconst b = '"+secrets[1]+"';\nconst c = \""+secrets[2]+"\";\n")
	for _, format := range []string{"text", "json", "sarif"} {
		code, out, _ := secretsRun(t, dir, "--format", format, ".")
		if code != cli.ExitFindings {
			t.Fatalf("%s: exit %d", format, code)
		}
		for _, s := range secrets {
			if strings.Contains(out, s) || strings.Contains(out, s[len(s)/2:]) {
				t.Errorf("%s output contains a secret (or its second half) without --reveal:\n%s", format, out)
			}
		}
		_, out, _ = secretsRun(t, dir, "--format", format, "--reveal", ".")
		if format != "text" {
			for _, s := range secrets {
				if !strings.Contains(out, s) {
					t.Errorf("%s output with --reveal lacks %s", format, s[:8])
				}
			}
		}
	}
}

func TestScanSecretsCleanTree(t *testing.T) {
	dir := t.TempDir()
	secretsWrite(t, dir, "main.go", "package main\n\nfunc main() { token := os.Getenv(\"TOKEN\"); _ = token }\n")
	secretsWrite(t, dir, ".gitignore", ".env*\n!.env.example\n")
	code, out, errOut := secretsRun(t, dir, "--format", "json", dir)
	if code != cli.ExitOK {
		t.Fatalf("exit %d, want 0: %s %s", code, out, errOut)
	}
	doc := secretsJSON(t, out)
	var holds []evidence.Property
	for _, o := range doc.Observations {
		if o.Holds {
			holds = append(holds, o.Property)
		}
	}
	if len(doc.Findings) != 0 || len(holds) != 2 {
		t.Errorf("findings %v, holding properties %v; want none and [env-ignored no-secrets-in-repo]", doc.Findings, holds)
	}
}

func TestScanSecretsUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--format", "xml", dir},
		{"--staged", "--git", dir},
		{"--git", dir}, // not a git repository
		{"--ignore-file", filepath.Join(dir, "missing"), dir},
		{"--baseline", filepath.Join(dir, "missing.json"), dir},
		{"--allow-value", "([", dir},
		{filepath.Join(dir, "does-not-exist")},
		{"a", "b"},
	} {
		if code, _, errOut := secretsRun(t, dir, args...); code != cli.ExitUsage || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a message", args, code, errOut)
		}
	}
}

func TestScanSecretsSuppression(t *testing.T) {
	dir := t.TempDir()
	a, b, c := "ghp_"+secretsToken(5, 36), "ghp_"+secretsToken(6, 36), "ghp_"+secretsToken(7, 36)
	secretsWrite(t, dir, "a.txt", "token: "+a+"\n")
	secretsWrite(t, dir, "b.txt", "token: "+b+"\n")
	secretsWrite(t, dir, "vendor/c.txt", "token: "+c+"\n")
	secretsWrite(t, dir, "d.txt", "token: "+c+" # threatmap:allow\n")
	_, out, _ := secretsRun(t, dir, "--format", "json", ".")
	doc := secretsJSON(t, out)
	if len(doc.Findings) != 3 {
		t.Fatalf("got %d findings, want 3 (inline allow honoured): %s", len(doc.Findings), out)
	}
	// Ignore file: fingerprint of a.txt's finding.
	secretsWrite(t, dir, ".threatmapignore", "# rotated\n"+doc.Findings[0].Fingerprint+"\n")
	_, out, _ = secretsRun(t, dir, "--format", "json", "--allow-path", "vendor/", ".")
	if got := secretsJSON(t, out).Findings; len(got) != 1 || got[0].File != "b.txt" {
		t.Errorf("with ignore file and allow-path: %+v", got)
	}
	_, out, _ = secretsRun(t, dir, "--format", "json", "--allow-value", "^ghp_", ".")
	if got := secretsJSON(t, out).Findings; len(got) != 0 {
		t.Errorf("with allow-value: %+v", got)
	}
	// Baseline: a report of today's findings silences them, not new ones.
	os.Remove(filepath.Join(dir, ".threatmapignore"))
	_, out, _ = secretsRun(t, dir, "--format", "json", ".")
	secretsWrite(t, dir, "baseline.json", out)
	if code, out, _ := secretsRun(t, dir, "--baseline", "baseline.json", "."); code != cli.ExitOK {
		t.Errorf("with baseline: exit %d\n%s", code, out)
	}
	secretsWrite(t, dir, "new.txt", "token: ghp_"+secretsToken(8, 36)+"\n")
	code, out, _ := secretsRun(t, dir, "--format", "json", "--baseline", "baseline.json", ".")
	if got := secretsJSON(t, out).Findings; code != cli.ExitFindings || len(got) != 1 || got[0].File != "new.txt" {
		t.Errorf("with baseline and a new secret: exit %d %+v", code, got)
	}
}

func TestScanSecretsGitHistory(t *testing.T) {
	dir := t.TempDir()
	secretsGit(t, dir, "init", "-q")
	secretsWrite(t, dir, "README.md", "# demo\n")
	secretsWrite(t, dir, ".gitignore", ".env\n")
	secretsGit(t, dir, "add", ".")
	secretsGit(t, dir, "commit", "-q", "-m", "init")

	key := "sk_live_" + secretsToken(10, 32)
	secretsWrite(t, dir, "app/config.py", "DEBUG = False\nSTRIPE_KEY = \""+key+"\"\n")
	secretsGit(t, dir, "add", ".")
	secretsGit(t, dir, "commit", "-q", "-m", "add config")
	leaked := secretsGit(t, dir, "rev-parse", "HEAD")

	secretsWrite(t, dir, "app/config.py", "DEBUG = False\nSTRIPE_KEY = os.environ[\"STRIPE_KEY\"]\n")
	secretsGit(t, dir, "commit", "-q", "-am", "read key from env")

	// The working tree is clean now...
	if code, out, _ := secretsRun(t, dir, "."); code != cli.ExitOK {
		t.Errorf("work tree: exit %d\n%s", code, out)
	}
	// ...but history still holds the key, in the commit that added it.
	code, out, errOut := secretsRun(t, dir, "--git", "--format", "json", ".")
	if code != cli.ExitFindings {
		t.Fatalf("--git: exit %d, stderr %s", code, errOut)
	}
	doc := secretsJSON(t, out)
	if len(doc.Findings) != 1 {
		t.Fatalf("--git: %d findings, want 1: %s", len(doc.Findings), out)
	}
	f := doc.Findings[0]
	if f.Commit != leaked || f.File != "app/config.py" || f.Line != 2 || f.Column != 15 || f.Rule != "stripe-secret-key" {
		t.Errorf("--git finding = %+v, want commit %s app/config.py:2:15", f, leaked)
	}
	if !strings.HasPrefix(f.Fingerprint, leaked+":") || strings.Contains(out, key) {
		t.Errorf("fingerprint %q not commit-qualified, or secret unmasked", f.Fingerprint)
	}
	if _, text, _ := secretsRun(t, dir, "--git", "."); !strings.Contains(text, "commit "+leaked[:12]) {
		t.Errorf("text output does not name the commit:\n%s", text)
	}

	// An ignore entry without the commit prefix silences the secret in
	// every commit.
	bare := strings.TrimPrefix(f.Fingerprint, leaked+":")
	secretsWrite(t, dir, "ignore.txt", bare+"\n")
	if code, out, _ := secretsRun(t, dir, "--git", "--ignore-file", "ignore.txt", "."); code != cli.ExitOK {
		t.Errorf("--git with ignore: exit %d\n%s", code, out)
	}

	// --since scans only what a branch adds on top of REF.
	base := secretsGit(t, dir, "rev-parse", "HEAD")
	secretsGit(t, dir, "checkout", "-q", "-b", "feature")
	tok := "xoxb-123456789012-1234567890123-" + secretsToken(11, 24)
	secretsWrite(t, dir, "bot/slack.js", "module.exports = { token: \""+tok+"\" };\n")
	secretsGit(t, dir, "add", ".")
	secretsGit(t, dir, "commit", "-q", "-m", "slack bot")
	branchCommit := secretsGit(t, dir, "rev-parse", "HEAD")
	code, out, errOut = secretsRun(t, dir, "--since", base, "--format", "json", ".")
	if code != cli.ExitFindings {
		t.Fatalf("--since: exit %d %s", code, errOut)
	}
	doc = secretsJSON(t, out)
	if len(doc.Findings) != 1 || doc.Findings[0].Rule != "slack-bot-token" || doc.Findings[0].Commit != branchCommit {
		t.Errorf("--since %s: %+v, want only the branch's slack token", base[:8], doc.Findings)
	}
	if code, _, errOut := secretsRun(t, dir, "--since", "no-such-ref", "."); code != cli.ExitUsage || !strings.Contains(errOut, "no-such-ref") {
		t.Errorf("--since bad ref: exit %d %q", code, errOut)
	}
}

func TestScanSecretsStaged(t *testing.T) {
	dir := t.TempDir()
	secretsGit(t, dir, "init", "-q")
	secretsWrite(t, dir, "main.py", "print('hi')\n")
	secretsGit(t, dir, "add", ".")
	secretsGit(t, dir, "commit", "-q", "-m", "init")
	if code, out, errOut := secretsRun(t, dir, "--staged", "."); code != cli.ExitOK {
		t.Fatalf("nothing staged: exit %d %s %s", code, out, errOut)
	}

	staged := "npm_" + secretsToken(12, 36)
	unstaged := "npm_" + secretsToken(13, 36)
	secretsWrite(t, dir, "main.py", "print('hi')\nNPM = \""+staged+"\"\n")
	secretsWrite(t, dir, ".env", "NPM_TOKEN=x\n")
	secretsGit(t, dir, "add", "main.py", ".env")
	secretsWrite(t, dir, "other.py", "NPM = \""+unstaged+"\"\n") // not added

	code, out, errOut := secretsRun(t, dir, "--staged", "--format", "json", ".")
	if code != cli.ExitFindings {
		t.Fatalf("--staged: exit %d %s", code, errOut)
	}
	doc := secretsJSON(t, out)
	var got []string
	for _, f := range doc.Findings {
		got = append(got, f.File+":"+f.Rule)
		if f.Commit != "" {
			t.Errorf("staged finding has a commit: %+v", f)
		}
	}
	want := []string{".env:env-file-committed", "main.py:npm-access-token"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("--staged findings %v, want %v", got, want)
	}
	if doc.Findings[1].Line != 2 {
		t.Errorf("staged line %d, want 2", doc.Findings[1].Line)
	}
}

func TestScanSecretsEnvHygieneInRepo(t *testing.T) {
	dir := t.TempDir()
	secretsGit(t, dir, "init", "-q")
	secretsWrite(t, dir, ".gitignore", "node_modules/\n")
	secretsWrite(t, dir, ".env", "DEBUG=1\n")
	secretsWrite(t, dir, ".env.example", "API_KEY=changeme\n")
	secretsGit(t, dir, "add", ".")
	secretsGit(t, dir, "commit", "-q", "-m", "init")

	rules := func() []string {
		t.Helper()
		_, out, _ := secretsRun(t, dir, "--format", "json", ".")
		var got []string
		for _, f := range secretsJSON(t, out).Findings {
			got = append(got, f.File+":"+f.Rule+":"+string(f.Property))
		}
		return got
	}
	want := ".env:env-file-committed:env-ignored .gitignore:env-not-gitignored:env-ignored"
	if got := strings.Join(rules(), " "); got != want {
		t.Errorf("committed .env: %s, want %s", got, want)
	}

	// Untrack and ignore it: the file may stay on disk.
	secretsGit(t, dir, "rm", "-q", "--cached", ".env")
	secretsWrite(t, dir, ".gitignore", "node_modules/\n.env\n")
	secretsGit(t, dir, "commit", "-q", "-am", "stop tracking .env")
	if got := rules(); len(got) != 0 {
		t.Errorf("ignored, untracked .env: %v", got)
	}
	code, out, _ := secretsRun(t, dir, "--format", "json", ".")
	var line int
	for _, o := range secretsJSON(t, out).Observations {
		if o.Property == evidence.EnvIgnored && o.Holds {
			line = o.Line
		}
	}
	if code != cli.ExitOK || line != 2 {
		t.Errorf("exit %d, env-ignored observation at .gitignore:%d; want 0 and line 2", code, line)
	}
	// History still has the .env that was committed.
	_, out, _ = secretsRun(t, dir, "--git", "--format", "json", ".")
	if f := secretsJSON(t, out).Findings; len(f) != 1 || f[0].Rule != "env-file-committed" || f[0].Commit == "" {
		t.Errorf("--git: %+v", f)
	}
}
