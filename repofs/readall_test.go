package repofs

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadAll: whatever the size hint and however the reader hands its
// bytes over, readAll returns them all, and a read error is passed on.
func TestReadAll(t *testing.T) {
	text := strings.Repeat("flows:\n  - {from: a, to: b}\n", 200)
	boom := errors.New("boom")
	tests := []struct {
		name    string
		r       func() io.Reader
		hint    int
		want    string
		wantErr error
	}{
		{"exact hint", func() io.Reader { return strings.NewReader(text) }, len(text) + 1, text, nil},
		{"hint without the extra byte", func() io.Reader { return strings.NewReader(text) }, len(text), text, nil},
		{"hint too small (the file grew)", func() io.Reader { return strings.NewReader(text) }, 10, text, nil},
		{"hint of one byte", func() io.Reader { return strings.NewReader(text) }, 1, text, nil},
		{"hint larger", func() io.Reader { return strings.NewReader(text) }, 4 * len(text), text, nil},
		{"empty", func() io.Reader { return strings.NewReader("") }, 1, "", nil},
		{"one byte at a time", func() io.Reader { return iotest.OneByteReader(strings.NewReader(text)) }, 7, text, nil},
		{"data with EOF", func() io.Reader { return iotest.DataErrReader(strings.NewReader(text)) }, 3, text, nil},
		{"half then error", func() io.Reader {
			return io.MultiReader(strings.NewReader(text[:100]), iotest.ErrReader(boom))
		}, 1, text[:100], boom},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readAll(tc.r(), tc.hint)
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if !bytes.Equal(got, []byte(tc.want)) {
				t.Fatalf("read %d bytes, want %d", len(got), len(tc.want))
			}
		})
	}
}
