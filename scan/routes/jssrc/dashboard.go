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
var dashboardPackages = map[string]struct {
	what  string
	admin bool
}{
	"agendash":                              {"Agenda job dashboard", true},
	"@bull-board/express":                   {"Bull Board queue dashboard", true},
	"bull-board":                            {"Bull Board queue dashboard", true},
	"bull-arena":                            {"Arena queue dashboard", true},
	"kue":                                   {"Kue job dashboard", true},
	"express-status-monitor":                {"status monitor", true},
	"swagger-ui-express":                    {"Swagger UI", false},
	"graphql-playground-middleware-express": {"GraphQL Playground", false},
}

// dashboardOf names the dashboard package an app.use argument comes from
// (agendash(agenda), swaggerUi.serve, serverAdapter.getRouter() is not
// one: only names imported from the package count).
func (x *extractor) dashboardOf(m *module, arg *sitter.Node) (string, bool) {
	root := arg
	for root != nil && (root.Type() == "call_expression" || root.Type() == "member_expression") {
		if root.Type() == "call_expression" {
			root = root.ChildByFieldName("function")
		} else {
			root = root.ChildByFieldName("object")
		}
	}
	if root == nil || root.Type() != "identifier" {
		return "", false
	}
	spec := strings.Trim(strings.TrimSuffix(strings.TrimPrefix(x.importSpec(m, m.text(root)), "require("), ")"), "'\"`")
	d, ok := dashboardPackages[spec]
	return spec, ok && d.what != ""
}

func (x *extractor) isDashboard(m *module, arg *sitter.Node) bool {
	_, ok := x.dashboardOf(m, arg)
	return ok
}

// dashboard adds the route a dashboard package mounted by app.use(prefix,
// ..., arg) serves: ANY prefix, tagged admin for a console, guarded by the middleware
// given before it in the same call.
func (x *extractor) dashboard(m *module, r routerRef, prefix string, arg *sitter.Node, guards, cancels []string, at *sitter.Node) {
	spec, _ := x.dashboardOf(m, arg)
	d := dashboardPackages[spec]
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
