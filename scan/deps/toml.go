package deps

import (
	"strconv"
	"strings"
)

// The TOML lockfiles read here (Cargo.lock, poetry.lock, uv.lock) and the
// manifests consulted for direct dependencies (pyproject.toml, Pipfile,
// Cargo.toml) are machine-written or conventional TOML. tomlDoc reads the
// subset they use — tables, arrays of tables, keys with string, array and
// inline-table values spanning several lines — and keeps the line of every
// key, which general TOML decoders do not expose.

// tomlKV is one key and its unparsed value.
type tomlKV struct {
	key  string
	raw  string
	line int
}

// tomlTable is a [table] or [[array-of-tables]] section; the root table has
// an empty name.
type tomlTable struct {
	name  string
	array bool
	line  int
	kvs   []tomlKV
}

func (t *tomlTable) get(key string) (tomlKV, bool) {
	for _, kv := range t.kvs {
		if kv.key == key {
			return kv, true
		}
	}
	return tomlKV{}, false
}

func (t *tomlTable) str(key string) string {
	kv, ok := t.get(key)
	if !ok {
		return ""
	}
	s, _ := tomlString(kv.raw)
	return s
}

// parseTOML splits data into tables. It rejects lines it cannot read
// rather than guessing, naming the line.
func parseTOML(file string, data []byte) ([]*tomlTable, error) {
	lines := strings.Split(string(data), "\n")
	root := &tomlTable{line: 1}
	tables := []*tomlTable{root}
	cur := root
	for i := 0; i < len(lines); i++ {
		lineNo := i + 1
		line := strings.TrimSpace(strings.TrimSuffix(lines[i], "\r"))
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '[' {
			array := strings.HasPrefix(line, "[[")
			body := stripComment(line)
			var name string
			if array {
				if !strings.HasSuffix(body, "]]") || len(body) < 4 {
					return nil, errAt(file, lineNo, 1, "malformed table header %q", line)
				}
				name = body[2 : len(body)-2]
			} else {
				if !strings.HasSuffix(body, "]") || len(body) < 2 {
					return nil, errAt(file, lineNo, 1, "malformed table header %q", line)
				}
				name = body[1 : len(body)-1]
			}
			cur = &tomlTable{name: normalizeTableName(name), array: array, line: lineNo}
			tables = append(tables, cur)
			continue
		}
		eq := keyEnd(line)
		if eq < 0 {
			return nil, errAt(file, lineNo, 1, "expected key = value")
		}
		key := unquoteKey(strings.TrimSpace(line[:eq]))
		first := strings.TrimSpace(line[eq+1:])
		// Multi-line strings and arrays or inline tables continue until
		// their delimiters balance; each line is scanned once, so a value
		// left open in a huge file costs linear time, not quadratic.
		var sc valueScanner
		var value strings.Builder
		value.WriteString(first)
		if err := sc.feed(first); err != nil {
			return nil, errAt(file, lineNo, eq+2, "%v", err)
		}
		for sc.open() {
			i++
			if i >= len(lines) {
				return nil, errAt(file, lineNo, eq+2, "value of %q is not closed before end of file", key)
			}
			next := strings.TrimSuffix(lines[i], "\r")
			if err := sc.feed(next); err != nil {
				return nil, errAt(file, i+1, 1, "%v", err)
			}
			value.WriteByte('\n')
			value.WriteString(next)
		}
		cur.kvs = append(cur.kvs, tomlKV{key: key, raw: stripComment(value.String()), line: lineNo})
	}
	return tables, nil
}

func normalizeTableName(name string) string {
	parts := splitTop(name, '.')
	for i, p := range parts {
		parts[i] = unquoteKey(strings.TrimSpace(p))
	}
	return strings.Join(parts, ".")
}

// keyEnd returns the index of the '=' that ends the key, skipping quoted
// keys.
func keyEnd(line string) int {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '=':
			return i
		}
	}
	return -1
}

func unquoteKey(k string) string {
	if s, ok := tomlString(k); ok {
		return s
	}
	return k
}

// valueScanner tracks, line by line, whether a value has opened a
// multi-line string, array or inline table that it has not closed yet.
type valueScanner struct {
	depth int
	// ml is the delimiter of an open multi-line string, or "".
	ml string
}

func (v *valueScanner) open() bool { return v.depth > 0 || v.ml != "" }

// feed scans one more line of the value.
func (v *valueScanner) feed(line string) error {
	for i := 0; i < len(line); i++ {
		if v.ml != "" {
			end := strings.Index(line[i:], v.ml)
			if end < 0 {
				return nil
			}
			i += end + 2
			v.ml = ""
			continue
		}
		c := line[i]
		switch {
		case strings.HasPrefix(line[i:], `"""`) || strings.HasPrefix(line[i:], `'''`):
			v.ml = line[i : i+3]
			i += 2
		case c == '"':
			j := i + 1
			for ; j < len(line) && line[j] != '"'; j++ {
				if line[j] == '\\' {
					j++
				}
			}
			if j >= len(line) {
				return errString("unterminated string")
			}
			i = j
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return errString("unterminated string")
			}
			i += 1 + j
		case c == '#':
			return nil // a comment runs to the end of the line
		case c == '[' || c == '{':
			v.depth++
		case c == ']' || c == '}':
			v.depth--
			if v.depth < 0 {
				return errString("unbalanced " + string(c))
			}
		}
	}
	return nil
}

type errString string

func (e errString) Error() string { return string(e) }

// stripComment removes comments outside strings (each runs to the end of
// its line) and trims the result.
func stripComment(s string) string {
	var b strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote == '"' && c == '\\' && i+1 < len(s):
			b.WriteByte(c)
			i++
			c = s[i]
		case quote != 0:
			if c == quote || c == '\n' {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			nl := strings.IndexByte(s[i:], '\n')
			if nl < 0 {
				return strings.TrimSpace(b.String())
			}
			i += nl
			c = '\n'
		}
		b.WriteByte(c)
	}
	return strings.TrimSpace(b.String())
}

// tomlString decodes a basic or literal string value.
func tomlString(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	switch {
	case len(raw) >= 6 && (strings.HasPrefix(raw, `"""`) && strings.HasSuffix(raw, `"""`) || strings.HasPrefix(raw, `'''`) && strings.HasSuffix(raw, `'''`)):
		return strings.TrimPrefix(raw[3:len(raw)-3], "\n"), true
	case len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"':
		s, err := strconv.Unquote(raw)
		if err != nil {
			return raw[1 : len(raw)-1], true
		}
		return s, true
	case len(raw) >= 2 && raw[0] == '\'' && raw[len(raw)-1] == '\'':
		return raw[1 : len(raw)-1], true
	}
	return "", false
}

// splitTop splits s at sep where sep is outside strings, arrays and inline
// tables.
func splitTop(s string, sep byte) []string {
	var parts []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote == '"' && c == '\\':
			i++
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
		case c == sep && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// tomlArray returns the unparsed elements of an array value, with comments
// removed.
func tomlArray(raw string) []string {
	raw = strings.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '[' || raw[len(raw)-1] != ']' {
		return nil
	}
	var out []string
	for _, line := range splitTop(raw[1:len(raw)-1], ',') {
		var kept []string
		for _, l := range strings.Split(line, "\n") {
			if l = stripComment(l); l != "" {
				kept = append(kept, l)
			}
		}
		if e := strings.TrimSpace(strings.Join(kept, " ")); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// tomlInline returns the unparsed values of an inline table by key.
func tomlInline(raw string) map[string]string {
	raw = strings.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '{' || raw[len(raw)-1] != '}' {
		return nil
	}
	out := map[string]string{}
	for _, part := range splitTop(raw[1:len(raw)-1], ',') {
		eq := keyEnd(part)
		if eq < 0 {
			continue
		}
		out[unquoteKey(strings.TrimSpace(part[:eq]))] = strings.TrimSpace(part[eq+1:])
	}
	return out
}

// inlineString reads a string value from an inline table.
func inlineString(m map[string]string, key string) string {
	s, _ := tomlString(m[key])
	return s
}
