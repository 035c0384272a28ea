package secrets

// matchAssignment is a hand-written equivalent of generic-secret's
// pattern (name, up to two closing quotes or brackets, an assignment
// operator, then a quoted or bare value), run from an identifier's start.
// It exists because that rule fires on every "token" and "password" in a
// file, and a direct scan is several times cheaper than a regexp.
// TestMatchAssignmentAgreesWithPattern keeps the two in step.
//
// The result has the layout of regexp.FindSubmatchIndex for the groups
// (full, name, secret, bare), or nil.
func matchAssignment(text []byte) []int {
	i := 0
	for i < len(text) && isIdentByte(text[i]) {
		i++
	}
	if i == 0 {
		return nil
	}
	nameEnd := i
	for n := 0; n < 2 && i < len(text) && (text[i] == '"' || text[i] == '\'' || text[i] == ']'); n++ {
		i++
	}
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	// The operators in the pattern's order; like the regexp, a later
	// alternative is tried when the value after an earlier one fails
	// (":=" then "=" read as ":" followed by a bare value "=...").
	for _, op := range [...]string{":=", "=>", "=", ":", "??=", "||="} {
		if !hasPrefixAt(text, i, op) {
			continue
		}
		if m := matchValue(text, i+len(op), nameEnd); m != nil {
			return m
		}
	}
	return nil
}

// matchValue matches optional blanks and a quoted or bare value at i.
func matchValue(text []byte, i, nameEnd int) []int {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	if i >= len(text) {
		return nil
	}
	if q := text[i]; q == '"' || q == '\'' || q == '`' {
		s := i + 1
		e := s
		for e < len(text) && !isQuoteOrSpace(text[e]) && text[e] != '\\' {
			e++
		}
		if e == s || e >= len(text) || (text[e] != '"' && text[e] != '\'' && text[e] != '`') {
			// The quoted alternative failed; the bare one cannot start
			// with a quote either.
			return nil
		}
		return []int{0, e + 1, 0, nameEnd, s, e, -1, -1}
	}
	s := i
	e := s
	for e < len(text) && !isQuoteOrSpace(text[e]) && text[e] != ',' && text[e] != ';' && text[e] != '#' && text[e] != '\\' {
		e++
	}
	if e == s {
		return nil
	}
	return []int{0, e, 0, nameEnd, -1, -1, s, e}
}

func isIdentByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_' || b == '.' || b == '-'
}

func isQuoteOrSpace(b byte) bool {
	switch b {
	case '"', '\'', '`', ' ', '\t', '\n', '\r', '\f', '\v':
		return true
	}
	return false
}

func hasPrefixAt(text []byte, i int, p string) bool {
	return len(text)-i >= len(p) && string(text[i:i+len(p)]) == p
}
