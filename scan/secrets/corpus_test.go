package secrets

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The corpus generator writes a reproducible tree of synthetic source and
// configuration files: ordinary code dense with the words that trigger
// secret rules ("token", "password", "key", "secret"), decoys (every rule's
// false-positive samples, environment lookups, hashes, base64 blobs), and
// planted secrets (every rule's true-positive samples) at known lines. The
// benchmark measures throughput on it and the recall test checks that every
// planted secret is found and nothing else is.

var corpusOut = flag.String("corpus-out", "", "write the generated corpus (and planted.json) to this directory and exit the test")

type planted struct {
	File      string `json:"file"`
	StartLine int    `json:"start_line"`
	EndLine   int    `json:"end_line"`
	Rule      string `json:"rule"`
}

type corpusFile struct {
	rel  string
	data []byte
}

var corpusIdents = []string{"user", "session", "client", "request", "handler", "config", "cache", "store", "order",
	"invoice", "payment", "webhook", "message", "channel", "account", "profile", "upload", "document", "model", "prompt"}

var corpusWords = []string{"token", "password", "secret", "key", "api", "auth", "refresh", "signing", "access",
	"credential", "bearer", "header", "value", "limit", "retry", "timeout"}

// codeLine returns one line of plausible, secret-free code that still
// contains the prefilter's keywords often.
func codeLine(r *rand.Rand, x *expander, lang string) string {
	id := func() string { return corpusIdents[r.IntN(len(corpusIdents))] }
	w := func() string { return corpusWords[r.IntN(len(corpusWords))] }
	cap := func(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
	switch lang {
	case "go":
		switch r.IntN(10) {
		case 0:
			return fmt.Sprintf("func (s *%sService) %s%s(ctx context.Context, %s string) error {", cap(id()), cap(w()), cap(id()), id())
		case 1:
			return fmt.Sprintf("\t%s%s := os.Getenv(\"%s_%s\")", id(), cap(w()), strings.ToUpper(id()), strings.ToUpper(w()))
		case 2:
			return fmt.Sprintf("\t// The %s %s is refreshed before the %s %s expires.", id(), w(), w(), id())
		case 3:
			return fmt.Sprintf("\tif err := validate%s(%s.%s); err != nil {", cap(w()), id(), cap(w()))
		case 4:
			return fmt.Sprintf("\t\treturn fmt.Errorf(\"%s %s: %%w\", err)", id(), w())
		case 5:
			return fmt.Sprintf("\tconst %s%sHeader = \"X-%s-%s\"", id(), cap(w()), cap(id()), cap(w()))
		case 6:
			return fmt.Sprintf("\tsum := \"%s\" // sha256 of the %s", x.chars(64, "hex"), id())
		case 7:
			return fmt.Sprintf("\t%s.%s = %s.%s%s", id(), cap(w()), id(), cap(w()), cap(id()))
		case 8:
			return "\t}"
		default:
			return fmt.Sprintf("\tlog.Printf(\"%s %s for %%s\", %s.ID)", w(), id(), id())
		}
	case "py":
		switch r.IntN(8) {
		case 0:
			return fmt.Sprintf("def %s_%s(%s, %s_%s=None):", w(), id(), id(), id(), w())
		case 1:
			return fmt.Sprintf("    %s_%s = os.environ[\"%s_%s\"]", id(), w(), strings.ToUpper(id()), strings.ToUpper(w()))
		case 2:
			return fmt.Sprintf("    # Rotate the %s %s when the %s changes.", id(), w(), w())
		case 3:
			return fmt.Sprintf("    %s = request.form[\"%s_%s\"]", w(), id(), w())
		case 4:
			return fmt.Sprintf("    blob = \"%s\"", x.chars(80, "b64"))
		case 5:
			return fmt.Sprintf("    %s_%s = settings.get(\"%s\", default=%d)", id(), w(), w(), r.IntN(1000))
		case 6:
			return fmt.Sprintf("    raise ValueError(\"invalid %s %s\")", id(), w())
		default:
			return fmt.Sprintf("    return %s.%s(%s)", id(), w(), id())
		}
	case "js":
		switch r.IntN(7) {
		case 0:
			return fmt.Sprintf("export async function %s%s(%s) {", w(), cap(id()), id())
		case 1:
			return fmt.Sprintf("  const %s%s = process.env.%s_%s;", id(), cap(w()), strings.ToUpper(id()), strings.ToUpper(w()))
		case 2:
			return fmt.Sprintf("  // %s %s must never be logged.", cap(id()), w())
		case 3:
			return fmt.Sprintf("  const { %s, %s } = await fetch%s(%s.%s);", w(), id(), cap(id()), id(), w())
		case 4:
			return fmt.Sprintf("  if (!%s.%s) throw new Error(\"missing %s\");", id(), w(), w())
		case 5:
			return fmt.Sprintf("  headers[\"Authorization\"] = `Bearer ${%s.%s}`;", id(), w())
		default:
			return "  }"
		}
	default: // yaml
		switch r.IntN(5) {
		case 0:
			return fmt.Sprintf("%s:", id())
		case 1:
			return fmt.Sprintf("  %s_%s: ${%s_%s}", id(), w(), strings.ToUpper(id()), strings.ToUpper(w()))
		case 2:
			return fmt.Sprintf("  %s: %d", w(), r.IntN(100))
		case 3:
			return fmt.Sprintf("  # %s %s settings", id(), w())
		default:
			return fmt.Sprintf("  %s_name: %s-%s", w(), id(), w())
		}
	}
}

// samplePlantPath returns a file kind for planting a rule's samples.
func samplePlantPath(r *rule, i int) string {
	switch p := samplePath(r); p {
	case "settings.conf":
		return ""
	case ".github/workflows/ci.yml":
		return fmt.Sprintf(".github/workflows/ci%d.yml", i)
	default:
		return fmt.Sprintf("svc%d/%s", i, p)
	}
}

// generateCorpus builds about size bytes of files, planting every rule's
// true-positive samples rounds times and its false-positive samples as
// decoys.
func generateCorpus(seed uint64, size, rounds int) ([]corpusFile, []planted) {
	r := rand.New(rand.NewPCG(seed, 7))
	x := newExpander(seed)
	type plant struct {
		text, rule, path string
	}
	var plants, decoys []plant
	for round := range rounds {
		for _, rl := range builtinRules() {
			for _, tp := range rl.tp {
				path := samplePlantPath(rl, round)
				if path == "" && !strings.ContainsAny(tp, "\"'`") {
					// An unquoted value only counts outside source code.
					path = fmt.Sprintf("conf%d/settings.yaml", round)
				}
				plants = append(plants, plant{tp, rl.id, path})
			}
			for _, fp := range rl.fp {
				decoys = append(decoys, plant{fp, "", samplePlantPath(rl, round)})
			}
		}
	}
	r.Shuffle(len(plants), func(i, j int) { plants[i], plants[j] = plants[j], plants[i] })
	var files []corpusFile
	var truth []planted
	exts := []struct{ ext, lang string }{{".go", "go"}, {".py", "py"}, {".js", "js"}, {".yaml", "yaml"}}
	total, n := 0, 0
	// Files of a given kind (Dockerfile, .env...) hold their own samples.
	special := map[string]*strings.Builder{}
	specialLines := map[string]int{}
	addTo := func(b *strings.Builder, lines *int, rel, text, rule string) {
		t := x.expand(text)
		if !strings.HasSuffix(t, "\n") {
			t += "\n"
		}
		start := *lines + 1
		*lines += strings.Count(t, "\n")
		b.WriteString(t)
		if rule != "" {
			truth = append(truth, planted{File: rel, StartLine: start, EndLine: *lines, Rule: rule})
		}
	}
	for _, list := range [][]plant{plants, decoys} {
		for _, p := range list {
			if p.path == "" {
				continue
			}
			if special[p.path] == nil {
				special[p.path] = &strings.Builder{}
			}
			lines := specialLines[p.path]
			addTo(special[p.path], &lines, p.path, p.text, p.rule)
			specialLines[p.path] = lines
		}
	}
	var ordinary, ordinaryDecoys []plant
	for _, p := range plants {
		if p.path == "" {
			ordinary = append(ordinary, p)
		}
	}
	for _, p := range decoys {
		if p.path == "" {
			ordinaryDecoys = append(ordinaryDecoys, p)
		}
	}
	for total < size || len(ordinary) > 0 {
		e := exts[n%len(exts)]
		rel := fmt.Sprintf("pkg%02d/%s_%d%s", n%17, corpusIdents[n%len(corpusIdents)], n, e.ext)
		n++
		var b strings.Builder
		lines := 0
		target := 4096 + r.IntN(60000)
		for b.Len() < target {
			switch k := r.IntN(400); {
			case k == 0 && len(ordinary) > 0:
				p := ordinary[0]
				ordinary = ordinary[1:]
				addTo(&b, &lines, rel, p.text, p.rule)
			case k == 1 && len(ordinaryDecoys) > 0:
				addTo(&b, &lines, rel, ordinaryDecoys[r.IntN(len(ordinaryDecoys))].text, "")
			case k == 2 && e.lang == "js":
				// A minified line: long, keyword-dense, no newline.
				var m strings.Builder
				for m.Len() < 20000 {
					fmt.Fprintf(&m, "var %s=%s.%s||{};", x.chars(2, "alpha"), corpusWords[r.IntN(len(corpusWords))], x.chars(3, "alpha"))
				}
				addTo(&b, &lines, rel, m.String(), "")
			default:
				addTo(&b, &lines, rel, codeLine(r, x, e.lang), "")
			}
		}
		files = append(files, corpusFile{rel, []byte(b.String())})
		total += b.Len()
	}
	for _, rel := range sortedKeys(special) {
		files = append(files, corpusFile{rel, []byte(special[rel].String())})
	}
	return files, truth
}

func sortedKeys(m map[string]*strings.Builder) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	// Insertion sort keeps the generator free of extra imports.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func writeCorpus(t testing.TB, dir string, files []corpusFile, truth []planted) int64 {
	var total int64
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
		total += int64(len(f.data))
	}
	data, _ := json.MarshalIndent(truth, "", " ")
	if err := os.WriteFile(filepath.Join(dir, "..", filepath.Base(dir)+".planted.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return total
}

func TestWriteCorpus(t *testing.T) {
	if *corpusOut == "" {
		t.Skip("set -corpus-out DIR to write the benchmark corpus")
	}
	files, truth := generateCorpus(1, 64<<20, 20)
	n := writeCorpus(t, *corpusOut, files, truth)
	t.Logf("wrote %d files, %d bytes, %d planted secrets; truth in %s.planted.json", len(files), n, len(truth), *corpusOut)
}

// TestCorpusRecall checks that every planted secret is found, at its line,
// by its rule, and that nothing else is reported.
func TestCorpusRecall(t *testing.T) {
	files, truth := generateCorpus(2, 2<<20, 2)
	dir := filepath.Join(t.TempDir(), "corpus")
	writeCorpus(t, dir, files, truth)
	set, err := New(Options{}).Scan(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	found := make([]bool, len(truth))
	for _, f := range set.Findings {
		ok := false
		for i, p := range truth {
			if p.File == f.File && p.Rule == f.Rule && f.Line >= p.StartLine && f.Line <= p.EndLine {
				found[i], ok = true, true
			}
		}
		if !ok && f.Rule != RuleEnvFileCommitted && f.Rule != RuleEnvNotGitignored {
			t.Errorf("unexpected finding %s:%d %s %s", f.File, f.Line, f.Rule, f.Secret)
		}
	}
	missed := 0
	for i, p := range truth {
		if !found[i] {
			missed++
			t.Errorf("missed planted %s:%d-%d %s", p.File, p.StartLine, p.EndLine, p.Rule)
		}
	}
	t.Logf("recall %d/%d", len(truth)-missed, len(truth))
}

// BenchmarkScanCorpus reports MB/s over a 32 MiB generated tree.
func BenchmarkScanCorpus(b *testing.B) {
	files, truth := generateCorpus(1, 32<<20, 4)
	dir := filepath.Join(b.TempDir(), "corpus")
	n := writeCorpus(b, dir, files, truth)
	s := New(Options{})
	b.SetBytes(n)
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Scan(context.Background(), dir); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDetectBuffer measures the in-memory detector alone, without
// file system costs.
func BenchmarkDetectBuffer(b *testing.B) {
	files, _ := generateCorpus(3, 8<<20, 1)
	var all []byte
	for _, f := range files {
		all = append(all, f.data...)
	}
	s := New(Options{})
	sc := s.det.newScratch()
	b.SetBytes(int64(len(all)))
	b.ResetTimer()
	for b.Loop() {
		s.det.find(sc, "all.go", all)
	}
}
