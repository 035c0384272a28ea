package routes

import (
	"context"
	"slices"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/botsrc"
	"github.com/threatmap/threatmap/scan/routes/tfsrc"
)

// surfaces finds the entry points that are not routes registered on an
// HTTP router: bot commands and webhooks, server actions, queue consumers
// and scheduled jobs in Python and JavaScript, and the API Gateway routes,
// event sources and schedules Terraform declares. Parse errors become
// findings and what could not be resolved is added to set; Terraform files
// that do not parse are left to the IaC scanner, which reports them.
func surfaces(ctx context.Context, py, js []botsrc.Source, tf []tfsrc.File, set *evidence.Set) []evidence.Route {
	bots := botsrc.Extract(ctx, py, js)
	for _, e := range bots.Errors {
		set.Findings = append(set.Findings, parseFinding(e.File, e.Line, e.Col, e.Msg))
	}
	infra := tfsrc.Extract(tf)
	sam := tfsrc.ExtractSAM(tf)
	for _, d := range sam.Diagnostics {
		set.Findings = append(set.Findings, parseFinding(d.File, d.Line, d.Column, d.Message))
	}
	set.Unresolved = append(set.Unresolved, bots.Unresolved...)
	set.Unresolved = append(set.Unresolved, infra.Unresolved...)
	set.Unresolved = append(set.Unresolved, sam.Unresolved...)
	return slices.Concat(bots.Routes, infra.Routes, sam.Routes)
}
