package sinks

import (
	"regexp"
	"strings"
)

// taint is where a value comes from: src names the request-derived origin
// ("" for none traced). whole marks a request container passed on as is
// (req.body, request.json), numeric a value converted to a number, which
// can size an allocation but not change a query's structure.
type taint struct {
	src     string
	whole   bool
	numeric bool
	// raw marks a value taken as is from a parsed body or query string,
	// which can be an object ({"$ne": null}) and not only a string.
	raw bool
}

func (t taint) ok() bool { return t.src != "" }

// str reports a request-derived value that can carry text.
func (t taint) str() bool { return t.src != "" && !t.numeric }

func firstTaint(ts ...taint) taint {
	for _, t := range ts {
		if t.ok() && !t.numeric {
			return taint{src: t.src}
		}
	}
	for _, t := range ts {
		if t.ok() {
			return taint{src: t.src, numeric: true}
		}
	}
	return taint{}
}

// binding is what an analyser knows about a local variable.
type binding struct {
	t taint
	// prefix is the taint of the value's first part: a URL whose scheme
	// and host come from the request, not only its path.
	prefix taint
	// built marks a string assembled with a part that is not a constant;
	// part is the text of the first such part.
	built bool
	part  string
	// text is the assigned expression's source, for telling SQL apart.
	text string
	// constant marks a value known at compile time.
	constant bool
}

// sqlRE matches the keywords that make a string a SQL statement.
var sqlRE = regexp.MustCompile(`(?i)\b(select\s.+\sfrom|insert\s+into|update\s.+\sset|delete\s+from|\bwhere\b.*[=<>]|order\s+by|create\s+table|drop\s+table)`)

// looksSQL reports whether source text holds a SQL statement.
func looksSQL(text string) bool { return sqlRE.MatchString(text) }

// placeholderPart reports an interpolated part that only builds
// placeholders (",".join("?" * n)), which is how parameterised IN lists
// are written.
func placeholderPart(text string) bool {
	for _, m := range []string{`"?"`, `'?'`, `"%s"`, `'%s'`, "placeholder", `"$"`, "`$", `", ?"`, `',?'`, `",?"`} {
		if strings.Contains(text, m) {
			return true
		}
	}
	return false
}

// constName reports an identifier written as a constant: ALL_CAPS.
func constName(name string) bool {
	if name == "" || strings.ToUpper(name) != name {
		return false
	}
	for _, r := range name {
		if r >= 'A' && r <= 'Z' {
			return true
		}
	}
	return false
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// lookupCalls read server-side data by a key: a request value used as the
// key does not make the record it finds request-derived
// (authenticatedUsers.get(req.cookies.token), Challenge.objects.get(name=x)).
var lookupCalls = map[string]bool{"get": true, "find": true, "findOne": true, "findById": true, "findByPk": true, "findAll": true, "find_one": true,
	"first": true, "filter": true, "get_object_or_404": true, "lookup": true, "getItem": true, "query_one": true, "fetchone": true, "fetchall": true}

// numericCalls turn a value into a number, which cannot change the
// structure of a query or command it is pasted into.
var numericCalls = map[string]bool{"int": true, "float": true, "Number": true, "parseInt": true, "parseFloat": true, "Math.floor": true, "Math.round": true, "len": true}

// maxCallDepth bounds how far request values are followed into the
// functions a handler calls: the handler's callees and theirs.
const maxCallDepth = 2

// callSeed is a call that passes request values to a function defined in
// the same file (or, for Go, the same package): the callee is analysed
// again with those parameters request-derived, and what it finds is
// attributed to the caller's function, whose route it serves.
type callSeed struct {
	name   string
	args   map[int]taint
	caller fn
	depth  int
}

func (c callSeed) key() string {
	k := c.name
	for i := 0; i < 16; i++ {
		if t, ok := c.args[i]; ok {
			k += "|" + string(rune('0'+i)) + t.src
		}
	}
	return k
}
