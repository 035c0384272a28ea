package link

import (
	"slices"
	"testing"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/internal/modeltest"
	"github.com/threatmap/threatmap/model"
)

func TestNormalizePath(t *testing.T) {
	same := [][]string{
		{"/api/documents/:id", "/api/documents/{doc_id}", "/api/documents/<int:doc_id>", "/api/documents/[id]", "/api/documents/{id:[0-9]+}/"},
		{"/files/*path", "/files/{path}"},
		{"/", "/"},
		{"api/x", "/api/x"},
	}
	for _, group := range same {
		want := NormalizePath(group[0])
		for _, p := range group[1:] {
			if got := NormalizePath(p); got != want {
				t.Errorf("NormalizePath(%q) = %q, want %q (as for %q)", p, got, want, group[0])
			}
		}
	}
	if NormalizePath("/api/documents") == NormalizePath("/api/documents/:id") {
		t.Error("a path without a parameter matched one with")
	}
}

func TestMethodMatches(t *testing.T) {
	tests := []struct {
		model, found string
		want         bool
	}{
		{"POST", "POST", true}, {"post", "POST", true}, {"ANY", "DELETE", true}, {"", "GET", true},
		{"GET", "ANY", true}, {"GET", "POST", false},
	}
	for _, tt := range tests {
		if got := MethodMatches(tt.model, tt.found); got != tt.want {
			t.Errorf("MethodMatches(%q, %q) = %v", tt.model, tt.found, got)
		}
	}
}

const linkModel = `system: {name: l}
components:
  - {id: api, kind: service, path: backend, refs: [aws_ecs_service.api]}
  - {id: worker, kind: function, path: backend/worker}
  - {id: bucket, kind: bucket, refs: [aws_s3_bucket.uploads]}
  - {id: ci, kind: ci}
identities:
  - {id: role, name: super_bot_admin, refs: [aws_iam_role.bots]}
surfaces:
  - {id: chat, kind: endpoint, component: api, method: POST, path: /api/chat}
  - {id: doc, kind: endpoint, component: api, method: GET, path: "/api/documents/:id"}
  - {id: gone, kind: endpoint, component: api, method: GET, path: /api/old}
  - {id: env, kind: secret}
`

func TestBuild(t *testing.T) {
	m, diags := model.Parse("m.yaml", []byte(linkModel))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	set := evidence.Set{
		Findings: []evidence.Finding{
			{Scanner: "iac", Rule: "public", Resource: "aws_s3_bucket.uploads", File: "infra/s3.tf"},
			{Scanner: "iam", Rule: "wildcard", Resource: "super_bot_admin", File: "infra/iam.tf"},
			{Scanner: "deps", Rule: "vuln", File: "backend/worker/requirements.txt"},
			{Scanner: "secrets", Rule: "aws-key", File: "backend/settings.py"},
			{Scanner: "workflows", Rule: "unpinned", File: ".github/workflows/ci.yml"},
		},
		Observations: []evidence.Observation{
			{Scanner: "routes", Property: evidence.RateLimited, Subject: "POST /api/chat", Holds: true},
			{Scanner: "workflows", Property: evidence.CISecretScanning, Subject: ".github/workflows/ci.yml", Holds: true},
		},
		Routes: []evidence.Route{
			{Method: "POST", Path: "/api/chat", File: "backend/app.py", Line: 3},
			{Method: "GET", Path: "/api/documents/{doc_id}", File: "backend/app.py", Line: 9},
			{Method: "GET", Path: "/debug/vars", File: "backend/app.py", Line: 20, Tags: []string{"debug"}},
		},
	}
	ix := Build(m, set, "")
	has := func(id, rule string) bool {
		return slices.ContainsFunc(ix.Findings[id], func(f evidence.Finding) bool { return f.Rule == rule })
	}
	for _, c := range []struct{ id, rule string }{
		{"bucket", "public"}, {"role", "wildcard"}, {"worker", "vuln"}, {"env", "aws-key"}, {"api", "aws-key"},
		{"ci", "unpinned"}, {model.SystemElement, "public"}, {model.SystemElement, "vuln"},
	} {
		if !has(c.id, c.rule) {
			t.Errorf("finding %s not linked to %s", c.rule, c.id)
		}
	}
	if has("api", "vuln") {
		t.Error("a finding in backend/worker was linked to api as well as the more specific worker")
	}
	if len(ix.Observations["chat"]) != 1 || len(ix.Observations["ci"]) != 1 {
		t.Errorf("observations not linked: chat %v ci %v", ix.Observations["chat"], ix.Observations["ci"])
	}
	if len(ix.Routes["chat"]) != 1 || len(ix.Routes["doc"]) != 1 {
		t.Errorf("routes not matched to surfaces: %v", ix.Routes)
	}
	if len(ix.Unmodeled) != 1 || ix.Unmodeled[0].Path != "/debug/vars" {
		t.Errorf("unmodeled = %v, want /debug/vars", ix.Unmodeled)
	}
	if !slices.Equal(ix.Stale, []string{"gone"}) {
		t.Errorf("stale = %v, want [gone]", ix.Stale)
	}
}

func TestBuildWithoutRoutesReportsNothingStale(t *testing.T) {
	m, _ := model.Parse("m.yaml", []byte(linkModel))
	if ix := Build(m, evidence.Set{}, ""); len(ix.Stale) != 0 || len(ix.Unmodeled) != 0 {
		t.Errorf("without route discovery nothing is stale or unmodeled: %v %v", ix.Stale, ix.Unmodeled)
	}
}

func TestRouteShapedFindingsLinkToSurfaces(t *testing.T) {
	m, _ := model.Parse("m.yaml", []byte(linkModel))
	set := evidence.Set{Findings: []evidence.Finding{{Scanner: "routes", Rule: "no-auth", Resource: "GET /api/documents/{doc_id}"}}}
	if ix := Build(m, set, ""); len(ix.Findings["doc"]) != 1 {
		t.Errorf("finding about GET /api/documents/{doc_id} not linked to surface doc: %v", ix.Findings)
	}
}

func TestProbedPathFindingsLinkToSurfaces(t *testing.T) {
	m, _ := model.Parse("m.yaml", []byte(linkModel))
	set := evidence.Set{Findings: []evidence.Finding{{Scanner: "probe", Rule: "rate-limit", Resource: "/api/chat"}}}
	if ix := Build(m, set, ""); len(ix.Findings["chat"]) != 1 {
		t.Errorf("probe finding on /api/chat not linked to surface chat: %v", ix.Findings)
	}
}

func TestUnmodeledResources(t *testing.T) {
	m, _ := model.Parse("m.yaml", []byte(linkModel))
	set := evidence.Set{
		Findings: []evidence.Finding{
			{Scanner: "iac", Rule: "enc", Resource: "aws_sqs_queue.items", File: "q.tf", Line: 3},
			{Scanner: "iac", Rule: "trail", Resource: "aws_cloudtrail", File: "main.tf", Line: 1},
			{Scanner: "iac", Rule: "pub", Resource: "aws_s3_bucket.uploads", File: "s3.tf", Line: 1},
			{Scanner: "iam", Rule: "shared", Resource: `aws_iam_role.bots["a"]`, File: "iam.tf", Line: 2},
			{Scanner: "iam", Rule: "x", Resource: "iam/policy.json", File: "iam/policy.json", Line: 1},
		},
		Observations: []evidence.Observation{{Scanner: "iac", Property: evidence.EncryptedAtRest, Subject: "Deployment/api", Holds: true}},
	}
	ix := Build(m, set, "")
	var got []string
	for _, r := range ix.UnmodeledResources {
		got = append(got, r.Address)
	}
	if !slices.Equal(got, []string{"aws_sqs_queue.items", "Deployment/api"}) {
		t.Errorf("unmodeled resources = %v", got)
	}
	if len(ix.Findings["role"]) != 1 {
		t.Error("a finding about an instance of a referenced resource did not reach its element")
	}
}

func TestCodeFindingsLinkToTheirRoutesSurfaces(t *testing.T) {
	m, _ := model.Parse("m.yaml", []byte(linkModel))
	f := evidence.Finding{Scanner: "sinks", Rule: "sql", File: "api/docs.py", Line: 9, Property: evidence.NoSQLInjection}
	f.Route = "POST /api/chat, GET /api/documents/{doc_id}"
	ix := Build(m, evidence.Set{Findings: []evidence.Finding{f}}, "")
	if len(ix.Findings["doc"]) != 1 || len(ix.Findings["chat"]) != 1 {
		t.Errorf("a sink in a handler serving two routes should reach both surfaces: %v", ix.Findings)
	}
}

// TestBuildWithoutNamesToResolveDoesNotIndexNames: with no findings or
// observations, or only ones that name no resource or subject, building
// the index costs allocations that do not grow with the model (the name
// index grew by one or more per element).
func TestBuildWithoutNamesToResolveDoesNotIndexNames(t *testing.T) {
	sets := map[string]evidence.Set{
		"no evidence": {},
		"evidence naming nothing": {
			Findings:     []evidence.Finding{{Scanner: "deps", Rule: "r", File: "nowhere/go.sum", Line: 1}},
			Observations: []evidence.Observation{{Scanner: "deps", Property: "lockfile"}},
		},
	}
	for name, set := range sets {
		allocs := func(n int) float64 {
			m := modeltest.Dense(t, n)
			return testing.AllocsPerRun(3, func() { Build(m, set, "") })
		}
		small, large := allocs(100), allocs(2000)
		if large > 2*small+50 {
			t.Errorf("%s: %v allocations for 100 components, %v for 2,000", name, small, large)
		}
	}
}
