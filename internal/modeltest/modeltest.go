// Package modeltest gives tests the models they are run on.
package modeltest

import (
	"bytes"
	"testing"

	"github.com/threatmap/threatmap/internal/modelgen"
	"github.com/threatmap/threatmap/model"
)

// Dense returns the dense, Threagile-shaped model of n components
// (internal/modelgen) parsed as dense.yaml, failing tb if it cannot be
// made or does not parse.
func Dense(tb testing.TB, n int) *model.Model {
	tb.Helper()
	var buf bytes.Buffer
	if err := modelgen.Dense(&buf, n); err != nil {
		tb.Fatal(err)
	}
	m, diags := model.Parse("dense.yaml", buf.Bytes())
	if diags.HasErrors() {
		tb.Fatal(diags.Errors()[0])
	}
	return m
}
