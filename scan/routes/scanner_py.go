package routes

import (
	"context"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/pysrc"
)

// extractPython runs the Python extractor in the shape every extractor
// returns: routes, unresolved registrations, parse errors.
func extractPython(ctx context.Context, files []pysrc.Source) ([]evidence.Route, []evidence.Unresolved, []pysrc.ParseError) {
	r := pysrc.ExtractAll(ctx, files)
	return r.Routes, r.Unresolved, r.Errors
}
