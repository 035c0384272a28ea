package jssrc

import (
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/scan/routes/graph"
)

// dashboardPackages are packages that serve a whole web UI when mounted
// with app.use. Job consoles and status monitors (admin) list, rerun or
// delete jobs or show the servers' state: admin surfaces, often forgotten.
// API explorers show the API's shape and let anyone try it; they are
// listed as routes, not as admin.
var dashboardPackages = map[string]dashboard{
	"agendash":                              {"Agenda job dashboard", true},
	"@bull-board/express":                   {"Bull Board queue dashboard", true},
	"bull-board":                            {"Bull Board queue dashboard", true},
	"bull-arena":                            {"Arena queue dashboard", true},
	"kue":                                   {"Kue job dashboard", true},
	"express-status-monitor":                {"status monitor", true},
	"swagger-ui-express":                    {"Swagger UI", false},
	"graphql-playground-middleware-express": {"GraphQL Playground", false},
}

// dashboard is one package of dashboardPackages.
type dashboard struct {
	what  string
	admin bool
}

// dashboardOf returns the dashboard package an app.use argument comes
// from (agendash(agenda), swaggerUi.serve): the name it starts with must be
// imported from the package.
func (x *extractor) dashboardOf(m *module, arg *sitter.Node) (dashboard, bool) {
	root := arg
	for root != nil && (root.Type() == "call_expression" || root.Type() == "member_expression") {
		if root.Type() == "call_expression" {
			root = root.ChildByFieldName("function")
		} else {
			root = root.ChildByFieldName("object")
		}
	}
	if root == nil || root.Type() != "identifier" {
		return dashboard{}, false
	}
	spec := strings.Trim(strings.TrimSuffix(strings.TrimPrefix(x.importSpec(m, m.text(root)), "require("), ")"), "'\"`")
	d, ok := dashboardPackages[spec]
	return d, ok
}

// addDashboard adds the route a dashboard package mounted by app.use(prefix,
// ..., arg) serves: ANY prefix, tagged admin for a console, guarded by the
// middleware given before it in the same call.
func (x *extractor) addDashboard(m *module, r routerRef, prefix string, d dashboard, guards, cancels []string, at *sitter.Node) {
	if prefix == "" {
		prefix = "/"
	}
	var tags []string
	if d.admin {
		tags = []string{"admin"}
	}
	x.g.Router(r.id).Routes = append(x.g.Router(r.id).Routes, graph.Route{
		Method: "ANY", Path: graph.Params(prefix), File: m.rel, Line: line(at), Handler: d.what, Framework: r.fw,
		Guards: append([]string(nil), guards...), Without: append([]string(nil), cancels...), Tags: tags,
	})
}
