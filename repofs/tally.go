package repofs

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Reasons a walk (or a scanner) leaves a path unread. They are the keys of
// the "skipped" counts in JSON output.
const (
	SkipSize        = "size"         // larger than the scanner's limit
	SkipBinary      = "binary"       // a NUL byte in the first bytes
	SkipExcludedDir = "excluded-dir" // .git, node_modules, vendored or test directories
	SkipSymlink     = "symlink"      // a symbolic link, never followed
	SkipSpecial     = "special"      // a pipe, socket or device
	SkipExcluded    = "excluded"     // matched by scan.exclude or --exclude
)

// Skipped is one path left unread on purpose.
type Skipped struct {
	Rel    string `json:"path"`
	Reason string `json:"reason"`
}

// Unreadable is one path the walk could not read. Unlike a skip it is a
// failure: a scan that could not read part of the tree cannot say the tree
// is clean.
type Unreadable struct {
	Rel string
	Err error
}

// Tally records what walks left unread. Carried in a context (WithTally),
// it lets the command line count and list what every scanner skipped
// without each scanner returning it. It is safe for concurrent use.
type Tally struct {
	mu         sync.Mutex
	seen       map[Skipped]bool
	skipped    []Skipped
	unreadable []Unreadable
}

type tallyKey struct{}

// WithTally returns a context whose walks record into t.
func WithTally(ctx context.Context, t *Tally) context.Context {
	return context.WithValue(ctx, tallyKey{}, t)
}

func tallyFrom(ctx context.Context) *Tally {
	t, _ := ctx.Value(tallyKey{}).(*Tally)
	return t
}

// NoteSkipped records that a scanner left rel unread for reason (one of the
// Skip constants). It does nothing when ctx carries no Tally.
func NoteSkipped(ctx context.Context, rel, reason string) {
	if t := tallyFrom(ctx); t != nil {
		t.skip(rel, reason)
	}
}

func (t *Tally) skip(rel, reason string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := Skipped{Rel: rel, Reason: reason}
	if t.seen[k] {
		return // several scanners walk the same tree
	}
	if t.seen == nil {
		t.seen = map[Skipped]bool{}
	}
	t.seen[k] = true
	t.skipped = append(t.skipped, k)
}

// Skipped returns every skipped path, sorted by path then reason.
func (t *Tally) Skipped() []Skipped {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := slices.Clone(t.skipped)
	slices.SortFunc(out, func(a, b Skipped) int { return cmp.Or(cmp.Compare(a.Rel, b.Rel), cmp.Compare(a.Reason, b.Reason)) })
	return out
}

// Counts returns the number of skipped paths by reason; nil when nothing
// was skipped.
func (t *Tally) Counts() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.skipped) == 0 {
		return nil
	}
	m := map[string]int{}
	for _, s := range t.skipped {
		m[s.Reason]++
	}
	return m
}

// UnreadableError lists the paths a walk could not read. Walk returns it
// after visiting everything it could.
type UnreadableError struct {
	Paths []Unreadable
}

func (e *UnreadableError) Error() string {
	var parts []string
	for i, p := range e.Paths {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("and %d more", len(e.Paths)-5))
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%v)", p.Rel, p.Err))
	}
	return fmt.Sprintf("%d %s could not be read, so the scan is incomplete: %s", len(e.Paths), pluralPath(len(e.Paths)), strings.Join(parts, ", "))
}

func pluralPath(n int) string {
	if n == 1 {
		return "path"
	}
	return "paths"
}
