package model

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/threatmap/threatmap"
)

// Diagnostic is one problem found in a model file.
type Diagnostic struct {
	Pos     threatmap.Position
	Message string
	// Warning marks a problem that does not stop the model from loading.
	Warning bool
}

func (d Diagnostic) String() string {
	level := "error"
	if d.Warning {
		level = "warning"
	}
	if p := d.Pos.String(); p != "" {
		return fmt.Sprintf("%s: %s: %s", p, level, d.Message)
	}
	return fmt.Sprintf("%s: %s", level, d.Message)
}

// Diagnostics is every problem found in one load, in file order. It is an
// error when it holds at least one non-warning diagnostic.
type Diagnostics []Diagnostic

// Error lists every diagnostic, one per line.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// HasErrors reports whether any diagnostic is an error, not a warning.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return !d.Warning })
}

// Errors returns only the errors.
func (ds Diagnostics) Errors() Diagnostics {
	return slices.DeleteFunc(slices.Clone(ds), func(d Diagnostic) bool { return d.Warning })
}

// Warnings returns only the warnings.
func (ds Diagnostics) Warnings() Diagnostics {
	return slices.DeleteFunc(slices.Clone(ds), func(d Diagnostic) bool { return !d.Warning })
}

func (ds Diagnostics) sort() {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column),
		)
	})
}

// Format renders the diagnostics the way a compiler does: the position and
// message, then the offending line with a caret under the column. source
// holds the file's lines; it may be nil.
func (ds Diagnostics) Format(source []string) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String())
		b.WriteByte('\n')
		if d.Pos.Line >= 1 && d.Pos.Line <= len(source) {
			line := strings.ReplaceAll(source[d.Pos.Line-1], "\t", " ")
			fmt.Fprintf(&b, "  %4d | %s\n", d.Pos.Line, line)
			if d.Pos.Column >= 1 {
				fmt.Fprintf(&b, "       | %s^\n", strings.Repeat(" ", min(d.Pos.Column-1, len(line))))
			}
		}
	}
	return b.String()
}
