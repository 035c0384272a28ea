package model

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/internal/pages"
)

// The decoder walks YAML nodes into the model's structs by reflection,
// reading the same `yaml` and `jsonschema` struct tags that generate the
// JSON Schema, so the schema editors see and the checks the loader makes
// cannot drift apart. Unlike yaml.Unmarshal it never stops at the first
// problem: every unknown key, wrong type, bad enum value and missing
// required key becomes a Diagnostic with its file, line and column.

// nodeDecoder is implemented by types that read themselves from a node.
type nodeDecoder interface {
	decodeNode(d *decoder, n *yaml.Node)
}

// maxNodes bounds the work an input can cause through aliases that expand
// the same subtree many times over. Inputs larger than maxNodes/nodesPerByte
// bytes get a budget in proportion to their size: without aliases a node
// takes at least one byte of source, so a large model is not mistaken for
// an alias bomb, while aliases that expand a subtree exponentially still
// exhaust the budget.
const (
	maxNodes     = 1_000_000
	nodesPerByte = 4
)

type decoder struct {
	// release lets decodeSlice drop the nodes it has decoded (Parse's
	// tree is its own and read once).
	release bool
	file    string
	diags   Diagnostics
	budget  int
	// types reads the struct types (shared by the decoders of one
	// caller's files); fields adds each type's names in this decoder's
	// location table.
	types  *Types
	fields map[reflect.Type]typeFields
	locs   *locTable
	// chunks, when set, holds the pieces of the sequences the head's
	// empty sequence nodes stand for (see chunked.go).
	chunks *chunked
	// path names the value being decoded ("flows[3].data"), for
	// messages: a stack of keys and list indexes pushed and popped as
	// the decoder goes down and up, written out only when a message
	// needs it (writing every value's name cost a string per value).
	path []pathPart
}

// pathPart is one step of a decoder's path: a key, or a list item's
// index.
type pathPart struct {
	name  string
	index int
	item  bool
}

// where is the path of the value being decoded, for a message.
func (d *decoder) where() string {
	var b strings.Builder
	for _, p := range d.path {
		switch {
		case p.item:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(p.index))
			b.WriteByte(']')
		case p.name == "":
		case b.Len() > 0:
			b.WriteByte('.')
			b.WriteString(p.name)
		default:
			b.WriteString(p.name)
		}
	}
	if b.Len() == 0 {
		return "model"
	}
	return b.String()
}

// newDecoder is a decoder for a file of size bytes, reading the struct
// types through types (nil: a Types of its own).
func newDecoder(file string, size int, types *Types) *decoder {
	if types == nil {
		types = NewTypes()
	}
	return &decoder{file: file, budget: max(maxNodes, nodesPerByte*size), types: types, locs: newLocTable(file)}
}

// newModelDecoder is a decoder for a model file with the model's struct
// types read ahead, so the field names of its location table come in the
// same order however the file is decoded (whole, or in pieces on several
// goroutines).
func newModelDecoder(file string, size int) *decoder {
	d := newDecoder(file, size, nil)
	d.locs.nameID("")
	d.warm(reflect.TypeFor[Model](), map[reflect.Type]bool{})
	return d
}

func (d *decoder) pos(n *yaml.Node) threatmap.Position {
	return threatmap.Position{File: d.file, Line: n.Line, Column: n.Column}
}

// maxDiagnostics bounds how many problems one file reports, so a file that
// is wrong everywhere gives a readable answer.
const maxDiagnostics = 200

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	switch {
	case len(d.diags) < maxDiagnostics:
		d.diags = append(d.diags, Diagnostic{Pos: d.pos(n), Message: fmt.Sprintf(format, args...)})
	case len(d.diags) == maxDiagnostics:
		d.diags = append(d.diags, Diagnostic{Pos: d.pos(n), Message: fmt.Sprintf("too many problems; stopped after %d", maxDiagnostics)})
		d.budget = 0
	}
}

// resolve follows documents and aliases, spending budget so that alias
// bombs end with an error instead of exhausting memory.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	for n != nil {
		d.budget--
		if d.budget < 0 {
			return nil
		}
		switch n.Kind {
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		case yaml.AliasNode:
			n = n.Alias
		default:
			return n
		}
	}
	return nil
}

func (d *decoder) decodeValue(n *yaml.Node, out any, path string) {
	outer := d.path
	d.path = []pathPart{{name: path}}
	d.decode(n, reflect.ValueOf(out).Elem(), fieldRules{})
	d.path = outer
}

// fieldRules are the checks a struct tag asks of one field's value.
type fieldRules struct {
	enum    []string
	pattern *regexp.Regexp
	min     *int
	max     *int
}

func parseFieldRules(tag string, patterns map[string]*regexp.Regexp) (fieldRules, bool) {
	var fr fieldRules
	required := false
	for _, part := range strings.Split(tag, ",") {
		key, val, _ := strings.Cut(part, "=")
		switch key {
		case "required":
			required = true
		case "enum":
			fr.enum = append(fr.enum, val)
		case "pattern":
			re, ok := patterns[val]
			if !ok {
				// Patterns come from struct tags in this package, never
				// from input, so a bad one is a programming error caught
				// by the package's tests.
				re = regexp.MustCompile(val)
				patterns[val] = re
			}
			fr.pattern = re
		case "minimum":
			v, _ := strconv.Atoi(val)
			fr.min = &v
		case "maximum":
			v, _ := strconv.Atoi(val)
			fr.max = &v
		}
	}
	return fr, required
}

var locationsType = reflect.TypeFor[Locations]()

func (d *decoder) decode(n *yaml.Node, v reflect.Value, fr fieldRules) {
	n = d.resolve(n)
	if n == nil {
		if d.budget < 0 {
			d.budget = 0
			d.diags = append(d.diags, Diagnostic{Pos: threatmap.Position{File: d.file}, Message: "document too large or too deeply aliased"})
		}
		return
	}
	if v.CanAddr() {
		if nd, ok := v.Addr().Interface().(nodeDecoder); ok {
			if isNull(n) {
				return
			}
			nd.decodeNode(d, n)
			return
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		if isNull(n) {
			return
		}
		elem := reflect.New(v.Type().Elem())
		d.decode(n, elem.Elem(), fr)
		v.Set(elem)
	case reflect.Struct:
		d.decodeStruct(n, v)
	case reflect.Slice:
		d.decodeSlice(n, v, fr)
	case reflect.String:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.ScalarNode {
			d.errorf(n, "%s: want a string, got %s", d.where(), describe(n))
			return
		}
		s := n.Value
		if len(fr.enum) > 0 {
			i := slices.IndexFunc(fr.enum, func(e string) bool { return strings.EqualFold(e, s) })
			if i < 0 {
				d.errorf(n, "%s: %q is not one of %s", d.where(), s, strings.Join(fr.enum, ", "))
				return
			}
			s = fr.enum[i]
		}
		if fr.pattern != nil && !fr.pattern.MatchString(s) {
			d.errorf(n, "%s: %q is not a valid id (lower-case letters, digits, '.', '_' and '-', starting with a letter or digit)", d.where(), s)
			return
		}
		v.SetString(s)
	case reflect.Bool:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.errorf(n, "%s: want true or false, got %s", d.where(), describe(n))
			return
		}
		b, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err != nil {
			d.errorf(n, "%s: want true or false, got %q", d.where(), n.Value)
			return
		}
		v.SetBool(b)
	case reflect.Int:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			d.errorf(n, "%s: want a whole number, got %s", d.where(), describe(n))
			return
		}
		i, err := strconv.Atoi(n.Value)
		if err != nil {
			d.errorf(n, "%s: want a whole number, got %q", d.where(), n.Value)
			return
		}
		if (fr.min != nil && i < *fr.min) || (fr.max != nil && i > *fr.max) {
			d.errorf(n, "%s: %d is out of range %d to %d", d.where(), i, deref(fr.min), deref(fr.max))
			return
		}
		v.SetInt(int64(i))
	default:
		d.errorf(n, "%s: cannot hold a value of Go kind %s", d.where(), v.Kind())
	}
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, fr fieldRules) {
	if isNull(n) {
		return
	}
	if d.chunks != nil {
		if si, ok := d.chunks.seqs[n]; ok {
			d.decodePieces(n, si, v, fr)
			return
		}
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	} else if n.Kind == yaml.MappingNode && v.Type().Elem().Kind() != reflect.Struct {
		d.errorf(n, "%s: want a list, got %s", d.where(), describe(n))
		return
	}
	out := reflect.MakeSlice(v.Type(), len(items), len(items))
	touchSlice(out)
	// A sequence no alias can reach (it has no anchor) is read once:
	// when the caller allows it, each item's nodes are let go once
	// decoded, so a large model's node tree shrinks as its structs grow.
	release := d.release && n.Kind == yaml.SequenceNode && n.Anchor == ""
	d.path = append(d.path, pathPart{item: true})
	for i, item := range items {
		d.path[len(d.path)-1].index = i
		d.decode(item, out.Index(i), fr)
		if release {
			items[i] = nil
		}
	}
	d.path = d.path[:len(d.path)-1]
	v.Set(out)
}

// touchSlice writes through a slice just made, before its items are
// decoded into it (see pages).
func touchSlice(v reflect.Value) {
	pages.TouchRange(v.UnsafePointer(), uintptr(v.Len())*v.Type().Elem().Size())
}

// decodePieces decodes a sequence cut into pieces, each piece's items as
// soon as it is parsed, letting its nodes go once they are decoded. The
// pieces are taken in file order and decoded on every core, each by a
// decoder of its own into its own items of the slice. A piece that is not
// what it was cut as, or any problem found in a piece, marks the cut
// failed: the caller then decodes the whole file instead, which reports
// every problem in order as decodeSlice would.
func (d *decoder) decodePieces(n *yaml.Node, si int, v reflect.Value, fr fieldRules) {
	c := d.chunks
	out := reflect.MakeSlice(v.Type(), c.counts[si], c.counts[si])
	touchSlice(out)
	// The struct types the items hold were read ahead (newModelDecoder),
	// so the decoders share them and the location table's names without
	// writing.
	type job struct {
		p     *piece
		items []*yaml.Node
		at    int
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed, used := false, 0
	for range runtime.GOMAXPROCS(0) {
		sub := &decoder{release: d.release, file: d.file, budget: d.budget, types: d.types,
			fields: maps.Clone(d.fields), locs: d.locs, path: append(slices.Clone(d.path), pathPart{item: true})}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				for k, item := range j.items {
					sub.path[len(sub.path)-1].index = j.at + k
					sub.decode(item, out.Index(j.at+k), fr)
					j.items[k] = nil
				}
				// The decoded structs hold no node (only values and
				// positions): the piece's blocks of nodes can serve the
				// pieces parsed next.
				j.p.node = nil
				c.pool.put(j.p.slabs)
				j.p.slabs = nil
				c.release(j.p)
			}
			mu.Lock()
			failed = failed || len(sub.diags) > 0
			used += d.budget - sub.budget
			mu.Unlock()
		}()
	}
	i := 0
	for {
		p, ok := c.take(si)
		if !ok {
			break
		}
		items, ok := c.items(p, n)
		if !ok || i+len(items) > out.Len() {
			c.failed = true
			c.release(p)
			break
		}
		jobs <- job{p, items, i}
		i += len(items)
	}
	close(jobs)
	wg.Wait()
	if d.budget -= used; failed || d.budget < 0 {
		c.failed = true
	}
	v.Set(out)
}

// warm computes the fields of t and of every struct type it holds.
func (d *decoder) warm(t reflect.Type, seen map[reflect.Type]bool) {
	if seen[t] {
		return
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		d.warm(t.Elem(), seen)
	case reflect.Struct:
		if t == locationsType {
			return
		}
		d.structFields(t)
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				d.warm(t.Field(i).Type, seen)
			}
		}
	}
}

type structField struct {
	index    int
	name     string
	nameID   uint32 // name in the decoder's location table
	rules    fieldRules
	required bool
}

func (d *decoder) structFields(t reflect.Type) ([]structField, int) {
	// Computed once per type: a large model decodes the same few struct
	// types hundreds of thousands of times.
	if c, ok := d.fields[t]; ok {
		return c.fields, c.locIndex
	}
	fields, locIndex := d.computeStructFields(t)
	if d.fields == nil {
		d.fields = map[reflect.Type]typeFields{}
	}
	d.fields[t] = typeFields{fields, locIndex}
	return fields, locIndex
}

type typeFields struct {
	fields   []structField
	locIndex int
}

func (d *decoder) computeStructFields(t reflect.Type) ([]structField, int) {
	ti := d.types.info(t)
	fields := make([]structField, len(ti.fields))
	for i, f := range ti.fields {
		fields[i] = structField{index: f.index, name: f.name, nameID: d.locs.nameID(f.name), rules: f.rules, required: f.required}
	}
	return fields, ti.locIndex
}

// readType reads the decoded fields of struct type t from its tags.
func readType(t reflect.Type, patterns map[string]*regexp.Regexp) typeInfo {
	ti := typeInfo{locIndex: -1}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Type == locationsType && f.Name == "Loc" {
			ti.locIndex = i
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		fr, req := parseFieldRules(f.Tag.Get("jsonschema"), patterns)
		ti.fields = append(ti.fields, fieldInfo{index: i, name: name, rules: fr, required: req})
	}
	return ti
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: want a mapping of keys to values, got %s", d.where(), describe(n))
		return
	}
	fields, locIndex := d.structFields(v.Type())
	var loc *Locations
	if locIndex >= 0 {
		loc = v.Field(locIndex).Addr().Interface().(*Locations)
		*loc = Locations{tab: d.locs, pos: make([]locEntry, 0, locCapacity(n))}
		loc.add(d.locs.nameID(""), -1, d.pos(n))
	}
	var seenBuf [32]bool
	seen := seenBuf[:0]
	if len(fields) <= len(seenBuf) {
		seen = seenBuf[:len(fields)]
	} else {
		seen = make([]bool, len(fields))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "%s: keys must be plain strings", d.where())
			continue
		}
		if k.Tag == "!!merge" {
			d.errorf(k, "%s: merge keys (<<) are not supported; write the keys out", d.where())
			continue
		}
		j := slices.IndexFunc(fields, func(f structField) bool { return f.name == k.Value })
		if j < 0 {
			d.errorf(k, "%s: unknown key %q%s", d.where(), k.Value, suggest(k.Value, fields))
			continue
		}
		if seen[j] {
			d.errorf(k, "%s: key %q is given twice", d.where(), k.Value)
			continue
		}
		seen[j] = true
		f := fields[j]
		if loc != nil {
			loc.add(f.nameID, -1, d.pos(val))
			if rv := d.resolve(val); rv != nil && rv.Kind == yaml.SequenceNode {
				for idx, item := range rv.Content {
					loc.add(f.nameID, idx, d.pos(item))
				}
			}
		}
		d.path = append(d.path, pathPart{name: f.name})
		d.decode(val, v.Field(f.index), f.rules)
		d.path = d.path[:len(d.path)-1]
	}
	for j, f := range fields {
		if f.required && !seen[j] {
			d.errorf(n, "%s: missing required key %q", d.where(), f.name)
		}
	}
}

// locCapacity is the number of positions a mapping's element records when
// its values are written out (aliased lists are counted when resolved).
func locCapacity(n *yaml.Node) int {
	c := 1 + len(n.Content)/2
	for i := 1; i < len(n.Content); i += 2 {
		if v := n.Content[i]; v.Kind == yaml.SequenceNode {
			c += len(v.Content)
		}
	}
	return c
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// describe names a node's kind and value for error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "nothing (null)"
		case "!!bool":
			return "the boolean " + n.Value
		case "!!int", "!!float":
			return "the number " + n.Value
		default:
			return strconv.Quote(n.Value)
		}
	}
	return "an unexpected node"
}

// suggest proposes the known key closest to an unknown one.
func suggest(key string, fields []structField) string {
	best, bestDist := "", 3
	for _, f := range fields {
		if dist := editDistance(key, f.name); dist < bestDist {
			best, bestDist = f.name, dist
		}
	}
	if best == "" {
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.name
		}
		return " (known keys: " + strings.Join(names, ", ") + ")"
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between two short strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
