package secrets

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestChangedLines(t *testing.T) {
	tests := []struct {
		name, old, new, want string // want: new's changed lines
	}{
		{"line edited", "a\nb\nc\n", "a\nB\nc\n", "B\n"},
		{"line added", "a\nc\n", "a\nb\nc\n", "b\n"},
		{"line removed", "a\nb\nc\n", "a\nc\n", ""},
		{"appended", "a\n", "a\nb\n", "b\n"},
		{"final newline added", "a\nb", "a\nb\n", "b\n"},
		{"edit at the end of a line", "a\nkey=1\nc\n", "a\nkey=12\nc\n", "key=12\n"},
		{"edit at the start of a line", "a\nkey=1\nc\n", "a\nxkey=1\nc\n", "xkey=1\n"},
		// The tail "KEY=secret\n" is common to both, but in the old
		// version it is the end of a longer line: the line is new.
		{"suffix not at a line start in old", "xKEY=secret\n", "y\nKEY=secret\n", "y\nKEY=secret\n"},
		{"from empty", "", "a\n", "a\n"},
		{"to empty", "a\n", "", ""},
		{"long common prefix", strings.Repeat("0123456789abcdef\n", 40) + "tail\n", strings.Repeat("0123456789abcdef\n", 40) + "TAIL\n", "TAIL\n"},
		{"long common suffix", "head\n" + strings.Repeat("0123456789abcdef\n", 40), "HEAD\n" + strings.Repeat("0123456789abcdef\n", 40), "HEAD\n"},
		{"repeated line inserted", "x\nx\n", "x\nx\nx\n", "x\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := changedLines([]byte(tt.old), []byte(tt.new))
			if got := tt.new[a:b]; got != tt.want {
				t.Errorf("changedLines = %q, want %q", got, tt.want)
			}
			checkChangedLines(t, []byte(tt.old), []byte(tt.new), a, b)
		})
	}
}

// checkChangedLines asserts what scanAdded relies on: new[:a] and new[b:]
// are whole lines that old has at its start and its end, and a <= b.
func checkChangedLines(t *testing.T, old, new []byte, a, b int) {
	t.Helper()
	if a < 0 || a > b || b > len(new) {
		t.Fatalf("changedLines = [%d, %d) of %d bytes", a, b, len(new))
	}
	if !bytes.HasPrefix(old, new[:a]) || (a > 0 && new[a-1] != '\n') {
		t.Fatalf("prefix %q is not whole lines of old %q", new[:a], old)
	}
	if !bytes.HasSuffix(old, new[b:]) || a+len(new)-b > len(old) {
		t.Fatalf("suffix %q is not the end of old %q after the prefix", new[b:], old)
	}
	if bo := len(old) - (len(new) - b); b < len(new) && (b > 0 && new[b-1] != '\n' || bo > 0 && old[bo-1] != '\n') {
		t.Fatalf("suffix %q does not start a line in both versions", new[b:])
	}
}

// FuzzChangedLines checks the invariants of changedLines on arbitrary
// pairs of versions.
func FuzzChangedLines(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), []byte("a\nB\nc\n"))
	f.Add([]byte("xKEY=secret\n"), []byte("y\nKEY=secret\n"))
	f.Add([]byte(strings.Repeat("line\n", 100)), []byte(strings.Repeat("line\n", 101)))
	f.Fuzz(func(t *testing.T, old, new []byte) {
		a, b := changedLines(old, new)
		checkChangedLines(t, old, new, a, b)
	})
}

// FuzzParseBatchHeader feeds arbitrary header lines to the reader of `git
// cat-file --batch` answers: an error or a non-negative size, never a
// panic.
func FuzzParseBatchHeader(f *testing.F) {
	const oid = "0123456789abcdef0123456789abcdef01234567"
	f.Add([]byte(oid + " blob 12\n"))
	f.Add([]byte(oid + " missing\n"))
	f.Add([]byte(oid + " tree 99999999999999999999\n"))
	f.Add([]byte("not a header\n"))
	f.Fuzz(func(t *testing.T, header []byte) {
		typ, size, missing, err := parseBatchHeader(header, oid)
		if err != nil {
			return
		}
		if size < 0 || (!missing && typ == "") {
			t.Fatalf("parseBatchHeader(%q) = %q, %d, %v", header, typ, size, missing)
		}
	})
}

func TestParseBatchHeader(t *testing.T) {
	const oid = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		in      string
		typ     string
		size    int
		missing bool
		err     bool
	}{
		{in: oid + " blob 12\n", typ: "blob", size: 12},
		{in: oid + " tree 0\n", typ: "tree"},
		{in: oid + " missing\n", missing: true},
		{in: "89abcdef0123456789abcdef0123456789abcdef blob 12\n", err: true},
		{in: oid + " blob -1\n", err: true},
		{in: oid + " blob 1x\n", err: true},
		{in: oid + " blob\n", err: true},
		{in: "not a header\n", err: true},
	}
	for _, tt := range tests {
		typ, size, missing, err := parseBatchHeader([]byte(tt.in), oid)
		if (err != nil) != tt.err || typ != tt.typ || size != tt.size || missing != tt.missing {
			t.Errorf("parseBatchHeader(%q) = %q, %d, %v, %v", tt.in, typ, size, missing, err)
		}
	}
}

func historyFindings(t *testing.T, s *Scanner, dir string, held int) []string {
	t.Helper()
	sup, err := s.loadSuppressions(dir)
	if err != nil {
		t.Fatal(err)
	}
	set, err := s.scanHistory(context.Background(), dir, sup, held)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range set.Findings {
		c := f.Commit
		if len(c) > 7 {
			c = c[:7]
		}
		got = append(got, fmt.Sprintf("%s %s:%d:%d %s", c, f.File, f.Line, f.Column, f.Rule))
	}
	slices.Sort(got)
	return got
}

func pemKey(seed uint64, lines int) string {
	var b strings.Builder
	b.WriteString("-----BEGIN RSA PRIVATE KEY-----\n")
	for i := range lines {
		b.WriteString(token(seed*1000+uint64(i), 64) + "\n")
	}
	b.WriteString("-----END RSA PRIVATE KEY-----\n")
	return b.String()
}

// TestHistoryAttributesOnlyTheChangedLines walks the cases where searching
// only the lines a commit changed could go wrong: an edit far from a
// secret, a second copy of a secret's line, a moved line, and a private
// key whose body changes far below its BEGIN line. The same history
// attributed from whole versions (no version held) must agree.
func TestHistoryAttributesOnlyTheChangedLines(t *testing.T) {
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q")
	key := "sk_live_" + token(21, 32)
	line := "STRIPE_KEY = \"" + key + "\""
	filler := func(from, to int) string {
		var b strings.Builder
		for i := from; i < to; i++ {
			fmt.Fprintf(&b, "value_%d = compute(%d)  # some ordinary code to push lines apart\n", i, i)
		}
		return b.String()
	}
	lines := func(parts ...string) string { return strings.Join(parts, "") }
	writeIn(t, dir, "app/settings.py", lines(filler(0, 4), line+"\n", filler(4, 200)))
	writeIn(t, dir, "certs/key.pem", pemKey(1, 40))
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "add")
	added := gitIn(t, dir, "rev-parse", "HEAD")

	// An edit 150 lines below the secret.
	writeIn(t, dir, "app/settings.py", lines(filler(0, 4), line+"\n", filler(4, 150), "edited = True\n", filler(150, 200)))
	gitIn(t, dir, "commit", "-q", "-am", "edit far below")

	// A second copy of the secret's line, 100 lines down.
	writeIn(t, dir, "app/settings.py", lines(filler(0, 4), line+"\n", filler(4, 99), line+"\n", filler(99, 150), "edited = True\n", filler(150, 200)))
	gitIn(t, dir, "commit", "-q", "-am", "copy the line")
	copied := gitIn(t, dir, "rev-parse", "HEAD")

	// The first copy moves to the end of the file.
	writeIn(t, dir, "app/settings.py", lines(filler(0, 4), filler(4, 99), line+"\n", filler(99, 150), "edited = True\n", filler(150, 200), line+"\n"))
	gitIn(t, dir, "commit", "-q", "-am", "move the first copy")

	// The key's last lines are regenerated, 2.5 KB below its BEGIN line.
	old := strings.Split(pemKey(1, 40), "\n")
	fresh := strings.Split(pemKey(2, 40), "\n")
	writeIn(t, dir, "certs/key.pem", strings.Join(append(old[:38:38], fresh[38:]...), "\n"))
	gitIn(t, dir, "commit", "-q", "-am", "new key tail")
	regenerated := gitIn(t, dir, "rev-parse", "HEAD")

	s := New(Options{Mode: History})
	got := historyFindings(t, s, dir, versionCacheLimit)
	want := []string{
		added[:7] + " app/settings.py:5:15 stripe-secret-key",
		copied[:7] + " app/settings.py:101:15 stripe-secret-key",
		added[:7] + " certs/key.pem:2:1 private-key",
		regenerated[:7] + " certs/key.pem:2:1 private-key",
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if whole := historyFindings(t, s, dir, 0); !slices.Equal(whole, got) {
		t.Errorf("whole-version attribution differs:\n%s\nchanged lines:\n%s", strings.Join(whole, "\n"), strings.Join(got, "\n"))
	}
}

// TestHistoryChangedLinesMatchWholeVersions makes random histories (lines
// inserted, deleted, duplicated, moved and edited, on two branches merged
// back) and checks that attributing from the changed lines of each pair
// of versions finds exactly what attributing from whole versions finds.
func TestHistoryChangedLinesMatchWholeVersions(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			dir := t.TempDir()
			gitIn(t, dir, "init", "-q")
			r := rand.New(rand.NewPCG(seed, 99))
			secrets := make([]string, 4)
			for i := range secrets {
				secrets[i] = "token = \"ghp_" + token(seed*10+uint64(i), 36) + "\""
			}
			files := map[string][]string{"a.py": nil, "b.py": nil}
			names := []string{"a.py", "b.py"}
			edit := func(ls []string) []string {
				at := 0
				if len(ls) > 0 {
					at = r.IntN(len(ls) + 1)
				}
				switch op := r.IntN(6); {
				case op == 0 && len(ls) > 0: // delete
					return slices.Delete(ls, min(at, len(ls)-1), min(at, len(ls)-1)+1)
				case op == 1 && len(ls) > 0: // duplicate
					return slices.Insert(ls, at, ls[r.IntN(len(ls))])
				case op == 2 && len(ls) > 1: // move
					from := r.IntN(len(ls))
					l := ls[from]
					ls = slices.Delete(ls, from, from+1)
					return slices.Insert(ls, r.IntN(len(ls)+1), l)
				case op == 3 && len(ls) > 0: // edit in place
					ls[min(at, len(ls)-1)] += " # edited"
					return ls
				case op == 4: // a secret
					return slices.Insert(ls, at, secrets[r.IntN(len(secrets))])
				default: // code
					return slices.Insert(ls, at, fmt.Sprintf("x%d = %d", r.IntN(1000), r.IntN(1000)))
				}
			}
			commit := func(n int) {
				for range n {
					name := names[r.IntN(len(names))]
					files[name] = edit(slices.Clone(files[name]))
					writeIn(t, dir, name, strings.Join(files[name], "\n")+"\n")
					gitIn(t, dir, "add", ".")
					gitIn(t, dir, "commit", "-q", "--allow-empty", "-m", "edit")
				}
			}
			commit(15)
			gitIn(t, dir, "checkout", "-q", "-b", "side")
			saved := map[string][]string{}
			for k, v := range files {
				saved[k] = slices.Clone(v)
			}
			commit(10)
			gitIn(t, dir, "checkout", "-q", "main")
			files = saved
			commit(10)
			gitIn(t, dir, "merge", "-q", "-X", "ours", "--no-edit", "side")
			commit(5)

			s := New(Options{Mode: History})
			got := historyFindings(t, s, dir, versionCacheLimit)
			whole := historyFindings(t, s, dir, 0)
			if len(whole) == 0 {
				t.Fatal("no findings at all: the history holds no secret")
			}
			if !slices.Equal(got, whole) {
				t.Errorf("changed lines:\n%s\nwhole versions:\n%s", strings.Join(got, "\n"), strings.Join(whole, "\n"))
			}
		})
	}
}

// TestStagedReportsOnlyWhatTheIndexAdds stages an edit to a file whose
// committed version already holds a secret: only the new one is reported.
func TestStagedReportsOnlyWhatTheIndexAdds(t *testing.T) {
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q")
	old := "sk_live_" + token(31, 32)
	writeIn(t, dir, "cfg.py", "A = 1\nSTRIPE = \""+old+"\"\n")
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "init")
	fresh := "sk_live_" + token(32, 32)
	writeIn(t, dir, "cfg.py", "A = 1\nSTRIPE = \""+old+"\"\nB = 2\nOTHER = \""+fresh+"\"\n")
	gitIn(t, dir, "add", ".")
	got := historyFindings(t, New(Options{Mode: Staged}), dir, versionCacheLimit)
	want := []string{" cfg.py:4:10 stripe-secret-key"}
	if !slices.Equal(got, want) {
		t.Errorf("staged findings %q, want %q", got, want)
	}
}

// TestHistoryRereadsARestoredVersion restores an older version of a file:
// the reader has forgotten it by the time the commit that first made it
// comes (newest first), and must read it again.
func TestHistoryRereadsARestoredVersion(t *testing.T) {
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q")
	with := "A = 1\nSTRIPE = \"sk_live_" + token(41, 32) + "\"\n"
	for i, text := range []string{with, "A = 1\n", with} {
		writeIn(t, dir, "cfg.py", text)
		gitIn(t, dir, "add", ".")
		gitIn(t, dir, "commit", "-q", "-m", "v"+itoa(i))
	}
	first := gitIn(t, dir, "rev-list", "--max-parents=0", "HEAD")
	restored := gitIn(t, dir, "rev-parse", "HEAD")
	for _, held := range []int{versionCacheLimit, 0} {
		got := historyFindings(t, New(Options{Mode: History, Workers: 1}), dir, held)
		want := []string{first[:7] + " cfg.py:2:11 stripe-secret-key", restored[:7] + " cfg.py:2:11 stripe-secret-key"}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("held %d: findings %q, want %q", held, got, want)
		}
	}
}

// TestHistoryAttributesASecretAKeywordMadeDetectable commits a Discord
// token alone, which no rule reports without a keyword near it, then a
// line naming discord above it: the token is reported in that commit,
// though its own line did not change (a whole-version scan of each
// version says so; searching the changed lines alone would not).
func TestHistoryAttributesASecretAKeywordMadeDetectable(t *testing.T) {
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q")
	tok := base64.RawStdEncoding.EncodeToString([]byte("123456789012345678")) + "." + token(51, 6) + "." + token(52, 38)
	body := "x = 1\nID = \"" + tok + "\"\ny = 2\n"
	writeIn(t, dir, "bot.py", body)
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "token alone")
	writeIn(t, dir, "bot.py", "import discord\n"+body)
	gitIn(t, dir, "commit", "-q", "-am", "keyword")
	keyword := gitIn(t, dir, "rev-parse", "HEAD")
	writeIn(t, dir, "bot.py", "import discord\n"+body+"z = 3\n")
	gitIn(t, dir, "commit", "-q", "-am", "unrelated edit below")
	for _, held := range []int{versionCacheLimit, 0} {
		got := historyFindings(t, New(Options{Mode: History}), dir, held)
		want := []string{keyword[:7] + " bot.py:3:7 discord-bot-token"}
		if !slices.Equal(got, want) {
			t.Errorf("held %d: findings %q, want %q", held, got, want)
		}
	}
}

// TestLineCountsAgreeWithSearch asks lineCounts about lines that a file
// has (some twice) and lines it lacks, past the questions answered by
// searching, against countLineText.
func TestLineCountsAgreeWithSearch(t *testing.T) {
	data := []byte("alpha\nbeta = 1\n\ngamma\r\nbeta = 1\nlast without newline")
	questions := []string{"alpha", "beta = 1", "gamma\r", "gamma", "last without newline", "last", "beta", "lpha", "delta", "alpha", "eta = 1", "beta = 1"}
	var lc lineCounts
	for i, q := range questions {
		want := countLineText(data, []byte(q), true)
		if got := lc.count(data, []byte(q)); got != want {
			t.Errorf("question %d: count(%q) = %d, want %d", i, q, got, want)
		}
	}
	if lc.counts == nil {
		t.Fatal("the lines were never counted: the test asks too few questions")
	}
}
