package model

import (
	"strconv"
	"strings"
	"sync"

	"github.com/threatmap/threatmap"
)

// Locations records where an element and each of its fields and list items
// were written. Keys are a field's YAML name, "field[i]" for the i-th item
// of a list, and "" for the element itself.
//
// A large model has millions of such positions, so they are kept compact:
// one slice of 16-byte entries per element, with the file name and the
// field names held once in a table shared by every element the same
// decoder read. The zero value has no positions.
type Locations struct {
	tab *locTable
	pos []locEntry
}

// locTable holds what every position of one decoded file shares.
type locTable struct {
	file string
	// mu guards names and index while a file is decoded on several
	// goroutines; once decoded, the table is only read.
	mu    sync.RWMutex
	names []string
	index map[string]uint32
}

// locEntry is one position: name indexes locTable.names, item is the list
// index or -1 for the field (or element) itself.
type locEntry struct {
	name      uint32
	item      int32
	line, col int32
}

func newLocTable(file string) *locTable {
	return &locTable{file: file, index: map[string]uint32{}}
}

// nameID interns a field name.
func (t *locTable) nameID(name string) uint32 {
	t.mu.RLock()
	id, ok := t.index[name]
	t.mu.RUnlock()
	if ok {
		return id
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.index[name]; ok {
		return id
	}
	id = uint32(len(t.names))
	t.names = append(t.names, name)
	t.index[name] = id
	return id
}

// At returns the position of field, falling back to the element's own.
func (l Locations) At(field string) threatmap.Position {
	if p, ok := l.lookup(field); ok {
		return p
	}
	p, _ := l.lookup("")
	return p
}

// Has reports whether field's position was recorded.
func (l Locations) Has(field string) bool {
	_, ok := l.lookup(field)
	return ok
}

func (l Locations) lookup(field string) (threatmap.Position, bool) {
	if l.tab == nil {
		return threatmap.Position{}, false
	}
	name, item := splitItemKey(field)
	id, ok := l.tab.index[name]
	if !ok {
		return threatmap.Position{}, false
	}
	for _, e := range l.pos {
		if e.name == id && e.item == item {
			return threatmap.Position{File: l.tab.file, Line: int(e.line), Column: int(e.col)}, true
		}
	}
	return threatmap.Position{}, false
}

// splitItemKey splits "field[i]" into field and i; any other key is a
// field of its own with item -1. Only the canonical spelling of i (as
// strconv.Itoa writes it) names an item, so keys match exactly as they
// were made.
func splitItemKey(key string) (string, int32) {
	if !strings.HasSuffix(key, "]") {
		return key, -1
	}
	open := strings.LastIndexByte(key, '[')
	if open <= 0 {
		return key, -1
	}
	digits := key[open+1 : len(key)-1]
	i, err := strconv.ParseInt(digits, 10, 32)
	if err != nil || i < 0 || strconv.FormatInt(i, 10) != digits {
		return key, -1
	}
	return key[:open], int32(i)
}

// add appends a position the element does not have yet.
func (l *Locations) add(name uint32, item int, p threatmap.Position) {
	l.pos = append(l.pos, locEntry{name: name, item: int32(item), line: clamp32(p.Line), col: clamp32(p.Column)})
}

// set records key's position, replacing one recorded before.
func (l *Locations) set(tab *locTable, key string, p threatmap.Position) {
	if l.tab == nil {
		l.tab = tab
	}
	name, item := splitItemKey(key)
	id := l.tab.nameID(name)
	for i, e := range l.pos {
		if e.name == id && e.item == item {
			l.pos[i].line, l.pos[i].col = clamp32(p.Line), clamp32(p.Column)
			return
		}
	}
	l.add(id, int(item), p)
}

// clamp32 keeps a line or column in an entry; a file of 2^31 lines is far
// beyond MaxFileSize.
func clamp32(n int) int32 {
	if n > 1<<31-1 {
		return 1<<31 - 1
	}
	return int32(n)
}
