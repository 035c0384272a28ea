package secrets

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// Masker hides secrets in text threatmap is about to print: diagnostics
// that echo a model line, finding messages, report details. It runs the
// same detectors as the scanner over each line, with the checks that keep
// a finding from being noise (entropy, the name, placeholders), and
// replaces each secret with its masked form. It is deliberately more eager
// than the scanner: a value is masked wherever it sits on a line, since
// masking a harmless value costs a reader little and printing a live one
// costs its owner a rotation.
//
// A Masker is safe for concurrent use.
type Masker struct {
	det *detector
	// scratches holds the detectors' working state, one per goroutine
	// masking at a time.
	scratches sync.Pool
}

// NewMasker builds a Masker from the built-in rules.
func NewMasker() (*Masker, error) {
	det, err := newDetector(builtinRules())
	if err != nil {
		return nil, err
	}
	m := &Masker{det: det}
	m.scratches.New = func() any { return det.newScratch() }
	return m, nil
}

// gutter is the prefix of a source line echoed under a diagnostic
// ("  12 | "); configuration rules anchor at the start of the line, so the
// masker looks past it.
var gutter = regexp.MustCompile(`^\s*\d*\s*\|\s?`)

// fingerprintTail matches a value ending the way a finding's fingerprint
// does (...:rule-id:16 hex digits): a hash of a secret, not a secret.
var fingerprintTail = regexp.MustCompile(`(?:^|:)[a-z0-9][a-z0-9-]*:[0-9a-f]{16}$`)

// maskFileName is the file name the detectors are told the text comes
// from: a dotenv file, so that the configuration rules (KEY=value,
// key: value) apply as well as the provider and generic ones.
const maskFileName = ".env"

// MaskLine returns line with every secret the detectors find masked.
func (m *Masker) MaskLine(line string) string {
	if len(line) < 8 {
		return line
	}
	// The gutter has a bar; most lines do not, and skip the regexp.
	if strings.IndexByte(line, '|') < 0 {
		return m.maskText(line, "")
	}
	if g := gutter.FindString(line); g != "" && len(g) < len(line) {
		// An echoed source line: configuration syntax, so the
		// configuration rules apply too.
		return g + m.maskText(line[len(g):], maskFileName)
	}
	// Prose and structured output: only the rules that need no file
	// context (provider formats, generic high-entropy assignments). The
	// configuration rules take any literal, which in a sentence such as
	// "secrets: Stripe live secret key in ..." is an ordinary word.
	return m.maskText(line, "")
}

// KeywordLines appends to dst the offset of the start of each line of
// text (lines end at '\n') that holds an occurrence of one of the
// detectors' keywords, in ascending order, each once. Every detector is
// anchored at one of its keywords, so MaskLine leaves a line that holds
// none as it is, unless the line holds a backslash (MaskLine also reads
// the line with JSON's escapes undone): a caller masking a block of
// lines need hand MaskLine only those (FuzzKeywordLines checks this).
// One scan of the block costs much less than a call per line.
func (m *Masker) KeywordLines(dst []int, text []byte) []int {
	n := len(dst)
	m.det.ac.Scan(text, func(_, start int) bool {
		ls := bytes.LastIndexByte(text[:start], '\n') + 1
		if k := len(dst); k == n || dst[k-1] != ls {
			dst = append(dst, ls)
		}
		return true
	})
	if !slices.IsSorted(dst[n:]) {
		slices.Sort(dst[n:])
		dst = dst[:n+len(slices.Compact(dst[n:]))]
	}
	return dst
}

// Mask masks every line of text.
func (m *Masker) Mask(text string) string {
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		body, nl := strings.CutSuffix(l, "\n")
		lines[i] = m.MaskLine(body)
		if nl {
			lines[i] += "\n"
		}
	}
	return strings.Join(lines, "")
}

func (m *Masker) maskText(text, file string) string {
	type span struct{ lo, hi int }
	var spans []span
	m.secretsIn(text, file, func(lo, hi int) { spans = append(spans, span{lo, hi}) })
	// Inside a JSON or SARIF string a quoted secret reads \"value\"; the
	// detectors look at the unescaped text too, and the spans they find
	// are mapped back.
	if strings.Contains(text, `\`) {
		view, orig := jsonUnescape(text)
		m.secretsIn(view, file, func(lo, hi int) { spans = append(spans, span{orig[lo], orig[hi-1] + 1}) })
	}
	if len(spans) == 0 {
		return text
	}
	slices.SortFunc(spans, func(a, b span) int { return a.lo - b.lo })
	var b strings.Builder
	at := 0
	for _, s := range spans {
		if s.lo < at {
			if s.hi > at {
				at = s.hi // overlapping: the earlier mask covers it
			}
			continue
		}
		b.WriteString(text[at:s.lo])
		b.WriteString(maskShown(text[s.lo:s.hi]))
		at = s.hi
	}
	b.WriteString(text[at:])
	return b.String()
}

// secretsIn calls fn with the byte span of each secret in text.
func (m *Masker) secretsIn(text, file string, fn func(lo, hi int)) {
	sc := m.scratches.Get().(*scratch)
	defer m.scratches.Put(sc)
	// The detectors only read the bytes: they are handed the string's
	// own, not a copy (a copy per line was most of what masking a large
	// report allocated).
	for _, c := range m.det.find(sc, file, unsafe.Slice(unsafe.StringData(text), len(text))) {
		secret := text[c.start:c.end]
		r := c.rule
		if r.minEntropy > 0 && shannon(secret) < entropyThreshold(r.minEntropy, secret) {
			continue
		}
		if r.check != nil && !r.check(secret, text[c.name[0]:c.name[1]]) {
			continue
		}
		if isPlaceholder(secret) || isMasked(secret) {
			continue
		}
		if c.name[0] > 0 && c.name[1] > c.name[0] && text[c.name[0]-1] == ':' || fingerprintTail.MatchString(secret) {
			// rel:rule:hash is a fingerprint, not rule = hash.
			continue
		}
		fn(c.start, c.end)
	}
}

// jsonUnescape undoes the escapes a JSON string adds to quotes, backslashes
// and slashes, returning the text and, for each of its bytes, the offset
// of the byte it came from.
func jsonUnescape(text string) (string, []int) {
	var b strings.Builder
	orig := make([]int, 0, len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\\' && i+1 < len(text) && (text[i+1] == '"' || text[i+1] == '\\' || text[i+1] == '/') {
			i++
			c = text[i]
			b.WriteByte(c)
			orig = append(orig, i-1)
			continue
		}
		b.WriteByte(c)
		orig = append(orig, i)
	}
	return b.String(), orig
}

// maskShown is Mask restricted to letters and digits in the part it keeps,
// so that a masked value cannot end in half an escape sequence inside a
// JSON or SARIF string.
func maskShown(secret string) string {
	shown := Mask(secret)
	keep := strings.IndexByte(shown, '*')
	for i := 0; i < keep; i++ {
		c := shown[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '-') {
			return shown[:i] + shown[keep:]
		}
	}
	return shown
}

// isMasked reports whether a value is already masked (ends in stars).
func isMasked(s string) bool { return strings.HasSuffix(s, "****") }
