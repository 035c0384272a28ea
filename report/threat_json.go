package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/rules"
)

// appendThreat appends t as encoding/json writes it inside the indented
// threat map (an element of the threats array: the object's lines indented
// by ind, its fields by ind plus two spaces, HTML characters not escaped),
// byte for byte, without reflection and without the second indenting pass
// json.Encoder makes. Findings (rare, and of a richer shape) are handed to
// encoding/json. TestAppendThreatMatchesEncodingJSON fills every field of
// the type by reflection, so a field added to assess.Threat or
// rules.Threat and not written here fails it.
func appendThreat(dst []byte, t *assess.Threat, ind string) ([]byte, error) {
	return appendThreatRuns(dst, t, ind, nil)
}

// spaces holds the indentations of the threat rows' objects.
const spaces = "                "

// deeper returns the indentation one level (two spaces) in from ind,
// without allocating for the indentations rows use.
func deeper(ind string) string {
	if n := len(ind) + 2; n <= len(spaces) && ind == spaces[:len(ind)] {
		return spaces[:n]
	}
	return ind + "  "
}

// appendThreatRuns is appendThreat taking the runs of lines a threat
// shares with the other threats of its rule from c (nil: every line is
// encoded).
func appendThreatRuns(dst []byte, t *assess.Threat, ind string, c *runCache) ([]byte, error) {
	if t.Threat == nil || t.Heading == nil || t.Guidance == nil {
		// Written as a threat whose missing parts are empty.
		cp := *t
		th := rules.NewThreat()
		if t.Threat != nil {
			th = *t.Threat
			th.Heading, th.Guidance = cmp.Or(th.Heading, &rules.Heading{}), cmp.Or(th.Guidance, &rules.Guidance{})
		}
		cp.Threat = &th
		t = &cp
	}
	o := objWriter{dst: append(dst, '{'), ind: deeper(ind)}
	o.str("id", t.ID)
	c.splice(&o, runKey{run: runRule, p: [5]unsafe.Pointer{strData(t.Rule), strData(t.Title), unsafe.Pointer(unsafe.SliceData(t.Stride))},
		n: [5]int{len(t.Rule), len(t.Title), len(t.Stride)}}, func(o *objWriter) {
		o.str("rule", t.Rule)
		o.str("title", t.Title)
		o.key("stride")
		if t.Stride == nil {
			o.dst = append(o.dst, "null"...)
		} else {
			o.dst = append(o.dst, '[')
			for i, s := range t.Stride {
				o.dst = o.elem(i, string(s))
			}
			o.dst = o.endArray(len(t.Stride))
		}
	})
	o.str("element", t.Element)
	o.str("element_kind", t.ElementKind)
	o.str("surface", t.Surface)
	o.strs("assets", t.Assets, false)
	c.splice(&o, runKey{run: runDifficulty, p: [5]unsafe.Pointer{strData(t.Requires)}, n: [5]int{len(t.Requires)},
		x: [3]int{int(t.Difficulty), int(t.Impact), t.Priority}}, func(o *objWriter) {
		o.str("difficulty", t.Difficulty.String())
		o.str("requires", t.Requires)
		o.str("impact", t.Impact.String())
		o.key("priority")
		o.dst = strconv.AppendInt(o.dst, int64(t.Priority), 10)
	})
	o.key("summary")
	o.dst = appendJSONParts(o.dst, t.SummaryParts())
	c.splice(&o, runKey{run: runAbuse, p: [5]unsafe.Pointer{strData(t.Abuse), strData(t.Method)}, n: [5]int{len(t.Abuse), len(t.Method)}}, func(o *objWriter) {
		o.str("abuse", t.Abuse)
		o.str("method", t.Method)
	})
	if t.Detail != "" {
		o.str("detail", t.Detail)
	}
	c.splice(&o, runKey{run: runLists,
		p: [5]unsafe.Pointer{sliceData(t.Mitigations), sliceData(t.Controls), sliceData(t.SecondaryTo), strData(t.Family), sliceData(t.References)},
		n: [5]int{len(t.Mitigations), len(t.Controls), len(t.SecondaryTo), len(t.Family), len(t.References)}}, func(o *objWriter) {
		o.strs("mitigations", t.Mitigations, false)
		o.strs("control_kinds", t.Controls, true)
		o.strs("secondary_to", t.SecondaryTo, true)
		if t.Family != "" {
			o.str("family", t.Family)
		}
		o.strs("references", t.References, true)
	})
	o.key("location")
	if p := t.Pos; p.File == "" && p.Line == 0 && p.Column == 0 {
		o.dst = append(o.dst, "{}"...)
	} else {
		loc := objWriter{dst: append(o.dst, '{'), ind: deeper(o.ind)}
		if p.File != "" {
			loc.str("file", p.File)
		}
		if p.Line != 0 {
			loc.key("line")
			loc.dst = strconv.AppendInt(loc.dst, int64(p.Line), 10)
		}
		if p.Column != 0 {
			loc.key("column")
			loc.dst = strconv.AppendInt(loc.dst, int64(p.Column), 10)
		}
		o.dst = loc.end(o.ind)
	}
	if len(t.Evidence) > 0 {
		o.key("evidence")
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent(o.ind, "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(t.Evidence); err != nil {
			return dst, err
		}
		o.dst = append(o.dst, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
	}
	status := func(o *objWriter) {
		o.str("response", t.Response)
		if t.Implicit {
			o.key("implicit_response")
			o.dst = append(o.dst, "true"...)
		}
		o.str("status", t.Status)
	}
	if len(t.MitigatedBy) > 0 || t.Secondary || len(t.Group) > 0 || t.GroupSize != 0 || t.Note != "" {
		// A run is never an object's last field: its last line ends
		// with a comma.
		c.splice(&o, runKey{run: runStatus, p: [5]unsafe.Pointer{strData(t.Response), strData(t.Status)},
			n: [5]int{len(t.Response), len(t.Status)}, x: [3]int{boolInt(t.Implicit)}}, status)
	} else {
		status(&o)
	}
	o.strs("mitigated_by", t.MitigatedBy, true)
	if t.Secondary {
		o.key("secondary")
		o.dst = append(o.dst, "true"...)
	}
	o.strs("group", t.Group, true)
	if t.GroupSize != 0 {
		o.key("group_size")
		o.dst = strconv.AppendInt(o.dst, int64(t.GroupSize), 10)
	}
	if t.Note != "" {
		o.str("note", t.Note)
	}
	return o.end(ind), nil
}

// objWriter appends the fields of one indented JSON object.
type objWriter struct {
	dst []byte
	// ind is the indentation of the object's fields.
	ind string
	n   int
	// bol reports that dst ends a line (after a run of lines, see
	// runCache): the next key starts there.
	bol bool
}

func (o *objWriter) key(k string) {
	o.endLine()
	o.bol = false
	o.n++
	o.dst = append(o.dst, o.ind...)
	o.dst = appendJSONString(o.dst, k)
	o.dst = append(o.dst, ':', ' ')
}

func (o *objWriter) str(k, v string) {
	o.key(k)
	o.dst = appendJSONString(o.dst, v)
}

// endLine ends the line of the last field (with the comma the next field
// needs), or the object's opening line, unless dst already ends a line.
func (o *objWriter) endLine() {
	if o.bol {
		return
	}
	if o.n > 0 {
		o.dst = append(o.dst, ',')
	}
	o.dst = append(o.dst, '\n')
	o.bol = true
}

// strs writes a string list: null when nil, [] when empty, left out when
// omitEmpty and empty.
func (o *objWriter) strs(k string, v []string, omitEmpty bool) {
	if omitEmpty && len(v) == 0 {
		return
	}
	o.key(k)
	if v == nil {
		o.dst = append(o.dst, "null"...)
		return
	}
	o.dst = append(o.dst, '[')
	for i, s := range v {
		o.dst = o.elem(i, s)
	}
	o.dst = o.endArray(len(v))
}

// elem appends the i-th string of an array opened at the field's
// indentation.
func (o *objWriter) elem(i int, s string) []byte {
	if i > 0 {
		o.dst = append(o.dst, ',')
	}
	o.dst = append(o.dst, '\n')
	o.dst = append(o.dst, o.ind...)
	o.dst = append(o.dst, ' ', ' ')
	return appendJSONString(o.dst, s)
}

func (o *objWriter) endArray(n int) []byte {
	if n == 0 {
		return append(o.dst, ']')
	}
	o.dst = append(o.dst, '\n')
	o.dst = append(o.dst, o.ind...)
	return append(o.dst, ']')
}

// end closes the object, whose brace lines are indented by outer.
func (o *objWriter) end(outer string) []byte {
	if o.n == 0 {
		return append(o.dst, '}')
	}
	o.dst = append(o.dst, '\n')
	o.dst = append(o.dst, outer...)
	return append(o.dst, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string exactly as encoding/json does
// with HTML escaping off: quotes, backslashes and control characters
// escaped, invalid UTF-8 replaced by U+FFFD, U+2028 and U+2029 escaped
// (FuzzAppendJSONString compares the two).
// Byte-parallel tests on eight bytes read as one word (each true when at
// least one byte qualifies; a word that fails them needs no look byte by
// byte).
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// load8 reads the first eight bytes of s as a little-endian word.
func load8(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// hasLess reports a byte below n (n at most 128) in a word without high
// bytes.
func hasLess(x, n uint64) bool { return (x-ones*n)&^x&highs != 0 }

// hasByte reports a byte equal to c.
func hasByte(x, c uint64) bool { return hasLess(x^(ones*c), 1) }

// plainJSON8 reports that none of the eight bytes of x needs escaping in a
// JSON string: all printable ASCII, none a quote or a backslash.
func plainJSON8(x uint64) bool {
	return x&highs == 0 && !hasLess(x, 0x20) && !hasByte(x, '"') && !hasByte(x, '\\')
}

// appendJSONParts appends the concatenation of parts as one JSON string
// without building it: valid UTF-8 escapes rune by rune, so parts that are
// each valid escape as their concatenation does. Otherwise (a rune cut
// between two parts would join up) the concatenation is escaped whole.
func appendJSONParts(dst []byte, parts [9]string) []byte {
	for _, p := range parts {
		if !utf8.ValidString(p) {
			n := 0
			for _, p := range parts {
				n += len(p)
			}
			whole := make([]byte, 0, n)
			for _, p := range parts {
				whole = append(whole, p...)
			}
			return appendJSONString(dst, string(whole))
		}
	}
	dst = append(dst, '"')
	for _, p := range parts {
		dst = appendJSONBody(dst, p)
	}
	return append(dst, '"')
}

func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendJSONBody(dst, s)
	return append(dst, '"')
}

// appendJSONBody appends s escaped as inside a JSON string, without the
// quotes.
func appendJSONBody(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		// Eight bytes that need no escape (printable ASCII, no quote
		// or backslash) are passed over at once.
		if i+8 <= len(s) && plainJSON8(load8(s[i:i+8])) {
			i += 8
			continue
		}
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}
